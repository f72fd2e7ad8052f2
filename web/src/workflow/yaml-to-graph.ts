/**
 * Workflow YAML → {@link WorkflowGraph}. Parsing keeps the `yaml` Document too, so writing back
 * (`graph-to-yaml.ts`) can patch it in place and keep comments and formatting.
 */
import { parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type {
  ActionNode,
  Children,
  JobNode,
  KeyOrder,
  ListExtra,
  StageNode,
  WorkflowGraph,
  YamlMap,
  YamlValue,
} from './graph-model.js';
import { newNodeId } from './ids.js';

/** A YAML syntax problem, with a 1-based position. */
export interface YamlProblem {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

export type ParseGraphResult =
  | { readonly ok: true; readonly graph: WorkflowGraph; readonly doc: Document }
  | { readonly ok: false; readonly problems: readonly YamlProblem[] };

export function isYamlMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a map into its own fields and its children value; records where the children key was. */
function splitFields(
  map: YamlMap,
  childKey: string,
  id: string,
  order: KeyOrder,
): { fields: YamlMap; child: YamlValue | undefined; present: boolean } {
  const fields: YamlMap = {};
  let child: YamlValue | undefined;
  let present = false;
  Object.keys(map).forEach((key, index) => {
    if (key === childKey) {
      present = true;
      child = map[key];
      order.childKeyIndex.set(id, index);
    } else {
      fields[key] = map[key] as YamlValue;
    }
  });
  return { fields, child, present };
}

function readChildren<T>(
  value: YamlValue | undefined,
  present: boolean,
  build: (map: YamlMap) => T,
): Children<T> {
  if (!present) return { present, items: [], extras: [] };
  if (!Array.isArray(value)) return { present, items: [], extras: [], raw: value ?? null };
  const items: T[] = [];
  const extras: ListExtra[] = [];
  value.forEach((entry, index) => {
    if (isYamlMap(entry)) items.push(build(entry));
    else extras.push({ index, value: entry });
  });
  return { present, items, extras };
}

function readJob(map: YamlMap): JobNode {
  return { kind: 'job', id: newNodeId(), fields: { ...map } };
}

function readAction(map: YamlMap, order: KeyOrder): ActionNode {
  const id = newNodeId();
  const { fields, child, present } = splitFields(map, 'jobs', id, order);
  return { kind: 'action', id, fields, jobs: readChildren(child, present, readJob) };
}

function readStage(map: YamlMap, order: KeyOrder): StageNode {
  const id = newNodeId();
  const { fields, child, present } = splitFields(map, 'actions', id, order);
  return {
    kind: 'stage',
    id,
    fields,
    actions: readChildren(child, present, (m) => readAction(m, order)),
  };
}

/** Builds the graph from plain data (the document's `toJS()`). The top level must be a map. */
export function graphFromData(data: YamlMap): WorkflowGraph {
  const keyOrder: KeyOrder = { childKeyIndex: new Map() };
  const { fields, child, present } = splitFields(data, 'stages', '', keyOrder);
  return {
    fields,
    stages: readChildren(child, present, (m) => readStage(m, keyOrder)),
    keyOrder,
  };
}

/** Parses workflow YAML into a graph. Syntax errors and a non-map document are problems. */
export function parseWorkflowGraph(text: string): ParseGraphResult {
  const doc = parseDocument(text, { prettyErrors: true, keepSourceTokens: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        message: e.message.split('\n')[0] ?? e.message,
        line: e.linePos?.[0]?.line ?? 1,
        col: e.linePos?.[0]?.col ?? 1,
      })),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: -1 });
  if (data === null || data === undefined) {
    return { ok: true, graph: graphFromData({}), doc };
  }
  if (!isYamlMap(data)) {
    return {
      ok: false,
      problems: [{ message: 'a workflow file must be a map (uri, stages, ...)', line: 1, col: 1 }],
    };
  }
  return { ok: true, graph: graphFromData(data), doc };
}
