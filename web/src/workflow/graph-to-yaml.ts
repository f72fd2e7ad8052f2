/**
 * {@link WorkflowGraph} → plain data → YAML. With the Document the graph came from, the YAML is
 * written by patching that Document in place (`patchDocument`), so comments, quoting and key order
 * of everything the user did not change survive an edit in the graph.
 */
import { isMap, isScalar, isSeq, Pair, stringify } from 'yaml';
import type { Document, Node as YamlNode, ParsedNode, Scalar } from 'yaml';
import type { Children, KeyOrder, WorkflowGraph, YamlMap, YamlValue } from './graph-model.js';
import { isYamlMap } from './yaml-to-graph.js';
import type { YamlFormat } from './yaml-format.js';

function childList<T>(children: Children<T>, write: (item: T) => YamlValue): YamlValue {
  if (children.raw !== undefined) return children.raw;
  const list: YamlValue[] = children.items.map(write);
  // Re-insert the entries the graph does not draw at their original places.
  for (const extra of [...children.extras].sort((a, b) => a.index - b.index)) {
    list.splice(Math.min(extra.index, list.length), 0, extra.value);
  }
  return list;
}

/** Puts the children key back where it was among the node's keys (or last, when new). */
function withChild(
  fields: YamlMap,
  key: string,
  value: YamlValue,
  present: boolean,
  id: string,
  order: KeyOrder,
): YamlMap {
  if (!present) return { ...fields };
  const keys = Object.keys(fields);
  const at = Math.min(order.childKeyIndex.get(id) ?? keys.length, keys.length);
  const out: YamlMap = {};
  keys.forEach((k, i) => {
    if (i === at) out[key] = value;
    out[k] = fields[k] as YamlValue;
  });
  if (at === keys.length) out[key] = value;
  return out;
}

/** The workflow as plain data, equal (deeply) to what the file it came from parses to. */
export function graphToData(graph: WorkflowGraph): YamlMap {
  const order = graph.keyOrder;
  const stages = childList(graph.stages, (stage) =>
    withChild(
      stage.fields,
      'actions',
      childList(stage.actions, (action) =>
        withChild(
          action.fields,
          'jobs',
          childList(action.jobs, (job) => ({ ...job.fields })),
          action.jobs.present,
          action.id,
          order,
        ),
      ),
      stage.actions.present,
      stage.id,
      order,
    ),
  );
  return withChild(graph.fields, 'stages', stages, graph.stages.present, '', order);
}

function sameScalar(node: Scalar, value: YamlValue): boolean {
  return node.value === value;
}

/** The `name` of a map node or plain map, used to match list entries after a reorder. */
function nameOf(value: unknown): string | undefined {
  if (isMap(value)) {
    const name = value.get('name');
    return typeof name === 'string' ? name : undefined;
  }
  if (isYamlMap(value)) {
    const name = value['name'];
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * Returns a node holding `value`: `node` itself, patched, when its shape fits (so its comments
 * stay), else a new node. Lists match entries by `name` first (reordered stages keep their
 * comments), then by position.
 */
function patch(doc: Document, node: unknown, value: YamlValue): YamlNode {
  if (isYamlMap(value) && isMap(node)) {
    const keep: Pair[] = [];
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair !== undefined) {
        pair.value = patch(doc, pair.value, child);
        keep.push(pair);
      } else {
        keep.push(new Pair(doc.createNode(key), doc.createNode(child)));
      }
    }
    node.items = keep;
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    const old = [...node.items];
    const used = new Set<unknown>();
    // A node whose name is still in the list belongs to that entry: a new stage inserted before
    // "end" must not take over end's node (and its style) just because it sits at end's index.
    const names = new Set(value.map(nameOf).filter((n) => n !== undefined));
    const free = (o: unknown): boolean => {
      const name = nameOf(o);
      return !used.has(o) && (name === undefined || !names.has(name));
    };
    node.items = value.map((entry, index) => {
      const name = nameOf(entry);
      let match =
        name === undefined ? undefined : old.find((o) => !used.has(o) && nameOf(o) === name);
      if (match === undefined && free(old[index])) match = old[index];
      if (match !== undefined) used.add(match);
      return patch(doc, match, entry);
    });
    return node;
  }
  if (isScalar(node) && !isYamlMap(value) && !Array.isArray(value) && sameScalar(node, value)) {
    return node;
  }
  const created = doc.createNode(value);
  if (isScalar(node) && isScalar(created)) created.comment = node.comment;
  return created;
}

/** Patches `doc` so that it holds `data`, keeping comments of unchanged parts. */
export function patchDocument(doc: Document, data: YamlMap): Document {
  doc.contents = patch(doc, doc.contents, data) as ParsedNode;
  return doc;
}

/**
 * Writes the graph as YAML. Pass the Document the graph was parsed from to keep comments and
 * per-node styles (it is patched in place), and the source's layout (`yamlFormatOf`) to keep
 * padding and indentation.
 */
export function graphToYaml(graph: WorkflowGraph, doc?: Document, format: YamlFormat = {}): string {
  const data = graphToData(graph);
  if (doc === undefined) return stringify(data, { lineWidth: 0, ...format });
  return patchDocument(doc, data).toString({ lineWidth: 0, ...format });
}
