/**
 * Editing operations on a {@link WorkflowGraph}: add, remove, rename and reorder stages, actions
 * and jobs. They mutate the graph in place (the editor store wraps it in Vue reactivity) and keep
 * data links pointing at renamed nodes.
 */
import { renameLinkSources } from './data-links.js';
import type {
  ActionNode,
  Children,
  GraphNode,
  JobNode,
  StageNode,
  WorkflowGraph,
  YamlMap,
  YamlValue,
} from './graph-model.js';
import { newNodeId } from './ids.js';
import { actionNames, jobNames, stageName, stageType, textField } from './node-fields.js';
import type { StageType } from './node-fields.js';

/** Where a node sits: its list and index, and its ancestors. */
export interface NodeLocation {
  readonly node: GraphNode;
  readonly list: Children<GraphNode>;
  readonly index: number;
  readonly stage: StageNode;
  readonly action?: ActionNode;
  /** The node's engine path: `stage`, `stage.action` or `stage.action.job`. */
  readonly path: string;
}

export function locate(graph: WorkflowGraph, id: string): NodeLocation | undefined {
  const stages = graph.stages.items;
  for (let si = 0; si < stages.length; si++) {
    const stage = stages[si] as StageNode;
    const sName = stageName(stage, si);
    if (stage.id === id) {
      return {
        node: stage,
        list: graph.stages as Children<GraphNode>,
        index: si,
        stage,
        path: sName,
      };
    }
    const aNames = actionNames(stage);
    for (let ai = 0; ai < stage.actions.items.length; ai++) {
      const action = stage.actions.items[ai] as ActionNode;
      const aPath = `${sName}.${aNames[ai]}`;
      if (action.id === id) {
        return {
          node: action,
          list: stage.actions as Children<GraphNode>,
          index: ai,
          stage,
          path: aPath,
        };
      }
      const jNames = jobNames(action);
      const ji = action.jobs.items.findIndex((j) => j.id === id);
      if (ji >= 0) {
        return {
          node: action.jobs.items[ji] as JobNode,
          list: action.jobs as Children<GraphNode>,
          index: ji,
          stage,
          action,
          path: `${aPath}.${jNames[ji]}`,
        };
      }
    }
  }
  return undefined;
}

/** A name not used by `taken`: `base`, `base-2`, `base-3`... */
export function freeName(base: string, taken: readonly string[]): string {
  let candidate = base;
  for (let n = 2; taken.includes(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

type Slot<T> = { readonly item: T } | { readonly extra: YamlValue };

/** The children as the file lists them: drawn items and kept extras interleaved. */
function slotsOf<T>(children: Children<T>): Slot<T>[] {
  const slots: Slot<T>[] = children.items.map((item) => ({ item }));
  for (const extra of [...children.extras].sort((a, b) => a.index - b.index)) {
    slots.splice(Math.min(extra.index, slots.length), 0, { extra: extra.value });
  }
  return slots;
}

function setSlots<T>(children: Children<T>, slots: Slot<T>[]): void {
  children.items = [];
  children.extras = [];
  slots.forEach((slot, index) => {
    if ('item' in slot) children.items.push(slot.item);
    else children.extras.push({ index, value: slot.extra });
  });
}

/** Position in the file's list of the `index`-th drawn item (the list length past the end). */
function slotIndex<T>(slots: Slot<T>[], index: number): number {
  let seen = 0;
  for (let i = 0; i < slots.length; i++) {
    if ('item' in (slots[i] as Slot<T>)) {
      if (seen === index) return i;
      seen++;
    }
  }
  return slots.length;
}

function insertAt<T>(children: Children<T>, item: T, index: number): void {
  children.present = true;
  const slots = slotsOf(children);
  slots.splice(slotIndex(slots, index), 0, { item });
  setSlots(children, slots);
}

/** Adds a stage; by default before a trailing `end` stage. Returns it. */
export function addStage(
  graph: WorkflowGraph,
  options: { type?: StageType; name?: string; index?: number } = {},
): StageNode {
  const items = graph.stages.items;
  const type = options.type ?? 'normal';
  const names = items.map((s, i) => stageName(s, i));
  const fields: YamlMap = {
    type,
    name: options.name ?? freeName(type === 'pause' ? 'approve' : 'stage', names),
  };
  const stage: StageNode = {
    kind: 'stage',
    id: newNodeId(),
    fields,
    actions: { present: type === 'normal', items: [], extras: [] },
  };
  const last = items[items.length - 1];
  const before = last !== undefined && stageType(last) === 'end' ? items.length - 1 : items.length;
  insertAt(graph.stages, stage, options.index ?? before);
  return stage;
}

/** Adds an action at the end of a stage. */
export function addAction(stage: StageNode, name?: string): ActionNode {
  const action: ActionNode = {
    kind: 'action',
    id: newNodeId(),
    fields: { name: name ?? freeName('action', actionNames(stage)) },
    jobs: { present: true, items: [], extras: [] },
  };
  insertAt(stage.actions, action, stage.actions.items.length);
  return action;
}

/** Adds a job at the end of an action; `fields` beyond the name are given as they are. */
export function addJob(action: ActionNode, fields: YamlMap = {}): JobNode {
  const name = textField(fields, 'name') ?? freeName('job', jobNames(action));
  const job: JobNode = { kind: 'job', id: newNodeId(), fields: { name, ...fields } };
  insertAt(action.jobs, job, action.jobs.items.length);
  return job;
}

/** Removes a node with its children. Returns false when it is not in the graph. */
export function removeNode(graph: WorkflowGraph, id: string): boolean {
  const at = locate(graph, id);
  if (at === undefined) return false;
  const slots = slotsOf(at.list);
  slots.splice(slotIndex(slots, at.index), 1);
  setSlots(at.list, slots);
  return true;
}

/** Moves a node up (-1) or down (+1) among its siblings. Returns false at either end. */
export function moveNode(graph: WorkflowGraph, id: string, delta: -1 | 1): boolean {
  const at = locate(graph, id);
  if (at === undefined) return false;
  const to = at.index + delta;
  if (to < 0 || to >= at.list.items.length) return false;
  const items = at.list.items;
  [items[at.index], items[to]] = [items[to] as GraphNode, items[at.index] as GraphNode];
  return true;
}

/**
 * Renames a node (writes its `name`) and rewrites the data links that read from it or from
 * anything inside it.
 */
export function renameNode(graph: WorkflowGraph, id: string, name: string): boolean {
  const at = locate(graph, id);
  if (at === undefined || name.trim() === '') return false;
  const oldPath = at.path;
  const newPath = [...oldPath.split('.').slice(0, -1), name.trim()].join('.');
  at.node.fields['name'] = name.trim();
  if (newPath !== oldPath) renameLinkSources(graph, oldPath, newPath);
  return true;
}

/** A new, empty workflow: start, one normal stage with one job, end. */
export function emptyWorkflowYaml(uri: string): string {
  return [
    `uri: ${uri}`,
    'title: New workflow',
    'version: 1',
    'stages:',
    '  - type: start',
    '    name: start',
    '  - type: normal',
    '    name: build',
    '    sequencing: sequence',
    '    actions:',
    '      - name: main',
    '        jobs:',
    '          - name: hello',
    '            endpoint: containerops/busybox:latest',
    '            command: echo hello',
    '  - type: end',
    '    name: end',
    '',
  ].join('\n');
}
