/**
 * The workflow editor's state: the YAML text and the graph kept in sync both ways. Graph edits
 * rewrite the YAML (patching the parsed Document, so comments stay); YAML edits re-read the graph
 * when they parse, and otherwise leave the last good graph with the YAML problems listed.
 */
import { computed, ref, shallowRef } from 'vue';
import type { Document } from 'yaml';
import type { Diagnostic } from '../api/types.js';
import type { WorkflowGraph } from '../workflow/graph-model.js';
import { locate } from '../workflow/graph-edit.js';
import { graphToYaml } from '../workflow/graph-to-yaml.js';
import { parseWorkflowGraph } from '../workflow/yaml-to-graph.js';
import { keepSourceSpacing, yamlFormatOf } from '../workflow/yaml-format.js';
import type { YamlFormat } from '../workflow/yaml-format.js';
import type { YamlProblem } from '../workflow/yaml-to-graph.js';

export function createEditor(initialYaml: string) {
  const yaml = ref('');
  const graph = shallowRef<WorkflowGraph>({
    fields: {},
    stages: { present: false, items: [], extras: [] },
    keyOrder: { childKeyIndex: new Map() },
  });
  /** Bumped on every graph change (the graph itself is mutated in place). */
  const version = ref(0);
  const problems = ref<readonly YamlProblem[]>([]);
  const selectedId = ref<string | null>(null);
  const diagnostics = ref<readonly Diagnostic[]>([]);
  let doc: Document | undefined;
  /** The user's layout (padding, indentation), kept when a graph edit rewrites the YAML. */
  let format: YamlFormat = {};

  /** Replaces the YAML text; re-reads the graph when it parses. Returns whether it did. */
  const setYaml = (text: string): boolean => {
    yaml.value = text;
    const result = parseWorkflowGraph(text);
    if (!result.ok) {
      problems.value = result.problems;
      return false;
    }
    const selectedPath =
      selectedId.value === null ? undefined : locate(graph.value, selectedId.value)?.path;
    problems.value = [];
    graph.value = result.graph;
    doc = result.doc;
    format = yamlFormatOf(text, result.doc);
    // Keep the selection on the node at the same path (ids are new after a re-read).
    selectedId.value = null;
    if (selectedPath !== undefined) {
      for (const id of allIds(result.graph)) {
        if (locate(result.graph, id)?.path === selectedPath) selectedId.value = id;
      }
    }
    version.value++;
    return true;
  };

  /** Applies a change to the graph and writes the YAML from it. */
  const edit = (change: (g: WorkflowGraph) => void): void => {
    change(graph.value);
    yaml.value = keepSourceSpacing(yaml.value, graphToYaml(graph.value, doc, format));
    problems.value = [];
    version.value++;
  };

  /** Node id → worst diagnostic, from paths like `stages[1].actions[0].jobs[2].timeout`. */
  const problemsByNode = computed(() => {
    void version.value;
    const map = new Map<string, 'ERROR' | 'WARNING'>();
    for (const d of diagnostics.value) {
      const id = nodeForPath(graph.value, d.path);
      if (id === undefined) continue;
      if (map.get(id) !== 'ERROR') map.set(id, d.severity);
    }
    return map;
  });

  setYaml(initialYaml);
  return { yaml, graph, version, problems, selectedId, diagnostics, problemsByNode, setYaml, edit };
}

export type Editor = ReturnType<typeof createEditor>;

function allIds(graph: WorkflowGraph): string[] {
  return graph.stages.items.flatMap((s) => [
    s.id,
    ...s.actions.items.flatMap((a) => [a.id, ...a.jobs.items.map((j) => j.id)]),
  ]);
}

/** The deepest node a diagnostic path points into. */
export function nodeForPath(graph: WorkflowGraph, path: string | null): string | undefined {
  if (path === null) return undefined;
  const m = /^stages\[(\d+)\](?:\.actions\[(\d+)\](?:\.jobs\[(\d+)\])?)?/.exec(path);
  if (m === null) return undefined;
  const stage = graph.stages.items[Number(m[1])];
  if (stage === undefined) return undefined;
  if (m[2] === undefined) return stage.id;
  const action = stage.actions.items[Number(m[2])];
  if (action === undefined) return stage.id;
  if (m[3] === undefined) return action.id;
  return action.jobs.items[Number(m[3])]?.id ?? action.id;
}
