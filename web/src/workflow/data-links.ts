/**
 * Data links (`subscriptions`): "stage.action.job[OUTPUT]": ENV. Read from both accepted forms
 * (a list of single-key maps, or one map), written back in the form the job already uses.
 */
import type { JobNode, WorkflowGraph, YamlMap } from './graph-model.js';
import { actionNames, jobNames, jobOutputs, sequencing, stageName } from './node-fields.js';
import { isYamlMap } from './yaml-to-graph.js';

/** One data link of a job. */
export interface DataLink {
  /** `stage.action.job` of the job whose output is read. */
  readonly from: string;
  readonly output: string;
  readonly env: string;
}

const KEY = /^([^.[\]]+)\.([^.[\]]+)\.([^.[\]]+)\[([^\]]+)\]$/;

/** Parses `stage.action.job[OUTPUT]`; undefined when malformed. */
export function parseLinkKey(key: string): { from: string; output: string } | undefined {
  const m = KEY.exec(key.trim());
  if (m === null) return undefined;
  return { from: `${m[1]}.${m[2]}.${m[3]}`, output: m[4] ?? '' };
}

export function linkKey(link: { from: string; output: string }): string {
  return `${link.from}[${link.output}]`;
}

/** The job's links in file order; malformed entries are left out (validation reports them). */
export function readLinks(job: JobNode): DataLink[] {
  const value = job.fields['subscriptions'];
  const links: DataLink[] = [];
  const take = (map: YamlMap): void => {
    for (const [key, env] of Object.entries(map)) {
      const parsed = parseLinkKey(key);
      if (parsed !== undefined && typeof env === 'string') links.push({ ...parsed, env });
    }
  };
  if (Array.isArray(value)) value.forEach((e) => isYamlMap(e) && take(e));
  else if (isYamlMap(value)) take(value);
  return links;
}

/** Adds a link, in the job's existing form (list of single-key maps by default). */
export function addLink(job: JobNode, link: DataLink): void {
  const value = job.fields['subscriptions'];
  const key = linkKey(link);
  if (isYamlMap(value)) value[key] = link.env;
  else if (Array.isArray(value)) value.push({ [key]: link.env });
  else job.fields['subscriptions'] = [{ [key]: link.env }];
}

/** Removes every entry of the link (same key and env). Drops the field when it gets empty. */
export function removeLink(job: JobNode, link: DataLink): void {
  const key = linkKey(link);
  const value = job.fields['subscriptions'];
  const matches = (k: string, v: unknown): boolean => {
    const parsed = parseLinkKey(k);
    return parsed !== undefined && linkKey(parsed) === key && v === link.env;
  };
  if (isYamlMap(value)) {
    for (const [k, v] of Object.entries(value)) if (matches(k, v)) delete value[k];
    if (Object.keys(value).length === 0) delete job.fields['subscriptions'];
  } else if (Array.isArray(value)) {
    const kept = value.filter(
      (e) => !(isYamlMap(e) && Object.entries(e).some(([k, v]) => matches(k, v))),
    );
    if (kept.length === 0) delete job.fields['subscriptions'];
    else job.fields['subscriptions'] = kept;
  }
}

/** A job with its engine path and run order, for link pickers and edges. */
export interface JobRef {
  readonly job: JobNode;
  readonly path: string;
  readonly stageIndex: number;
  /**
   * Order key: a job may read the outputs of jobs with a strictly smaller `tick` (earlier stages,
   * earlier actions of a sequence stage, earlier jobs of its own action).
   */
  readonly tick: readonly number[];
}

/** Every job of the graph with its `stage.action.job` path. */
export function jobRefs(graph: WorkflowGraph): JobRef[] {
  const refs: JobRef[] = [];
  graph.stages.items.forEach((stage, si) => {
    const sName = stageName(stage, si);
    const aNames = actionNames(stage);
    const parallel = sequencing(stage) === 'parallel';
    stage.actions.items.forEach((action, ai) => {
      const jNames = jobNames(action);
      action.jobs.items.forEach((job, ji) => {
        refs.push({
          job,
          path: `${sName}.${aNames[ai]}.${jNames[ji]}`,
          stageIndex: si,
          tick: [si, parallel ? 0 : ai, parallel ? ai : 0, ji],
        });
      });
    });
  });
  return refs;
}

/** True when `a` runs (and finishes) before `b` starts. */
export function runsBefore(a: JobRef, b: JobRef): boolean {
  const [as, aa, ap, aj] = a.tick as [number, number, number, number];
  const [bs, ba, bp, bj] = b.tick as [number, number, number, number];
  if (as !== bs) return as < bs;
  if (aa !== ba) return aa < ba;
  if (ap !== bp) return false; // parallel siblings: no order
  return aj < bj;
}

/** Jobs whose outputs `jobId` may subscribe to, with their declared outputs. */
export function linkSources(
  graph: WorkflowGraph,
  jobId: string,
): { path: string; outputs: string[] }[] {
  const refs = jobRefs(graph);
  const target = refs.find((r) => r.job.id === jobId);
  if (target === undefined) return [];
  return refs
    .filter((r) => runsBefore(r, target))
    .map((r) => ({ path: r.path, outputs: jobOutputs(r.job) }));
}

/** A resolved link for drawing: source and target node ids. */
export interface LinkEdge {
  readonly sourceId: string;
  readonly targetId: string;
  readonly link: DataLink;
}

/** Every link whose source job exists in the graph. */
export function linkEdges(graph: WorkflowGraph): LinkEdge[] {
  const refs = jobRefs(graph);
  const byPath = new Map(refs.map((r) => [r.path, r]));
  const edges: LinkEdge[] = [];
  for (const ref of refs) {
    for (const link of readLinks(ref.job)) {
      const source = byPath.get(link.from);
      if (source !== undefined) edges.push({ sourceId: source.job.id, targetId: ref.job.id, link });
    }
  }
  return edges;
}

/** Rewrites links after a rename: every `oldPath` prefix (stage, stage.action or job path). */
export function renameLinkSources(
  graph: WorkflowGraph,
  oldPrefix: string,
  newPrefix: string,
): void {
  for (const ref of jobRefs(graph)) {
    for (const link of readLinks(ref.job)) {
      if (link.from === oldPrefix || link.from.startsWith(`${oldPrefix}.`)) {
        removeLink(ref.job, link);
        addLink(ref.job, { ...link, from: newPrefix + link.from.slice(oldPrefix.length) });
      }
    }
  }
}
