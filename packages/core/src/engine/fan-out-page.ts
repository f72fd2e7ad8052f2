/**
 * Pages through the instances of a fan-out job (for APIs: a 100,000-instance fan-out is one
 * node with counts, its instances a list read a page at a time, filtered by status).
 */
import type { FanOutSnapshot, InstanceSummary, JobRunSnapshot } from './snapshot.js';
import type { NodeStatus } from './status.js';

/** One instance as listed: ended ones from their summary, running ones from their node. */
export interface InstanceView {
  readonly name: string;
  /** The instance's path: its fan-out job's action path + `.` + its name (its logs' job path). */
  readonly path: string;
  readonly status: NodeStatus;
  readonly attempt: number;
  readonly exitCode?: number | null;
  readonly reason?: string;
  readonly durationMs?: number;
  /**
   * What the instance reported through `$CO_OUTPUT`: a running instance's so far, an ended one's
   * when it succeeded and its job declares outputs (what the engine keeps for fan-in). Absent when
   * there are none. Bounded like a job's: the engine caps an attempt's outputs (`outputs-limit`).
   */
  readonly outputs?: Readonly<Record<string, string>>;
}

export interface InstancePage {
  readonly nodes: readonly InstanceView[];
  /** Pass as `after` for the next page; undefined on an empty page. */
  readonly endCursor?: string;
  readonly hasNextPage: boolean;
  /** Instances that match the filter (ended and running; not-started ones are not listed). */
  readonly totalCount: number;
}

export interface InstancePageQuery {
  readonly status?: NodeStatus;
  readonly first: number;
  /** A previous page's `endCursor`. */
  readonly after?: string;
}

/** The error for an `after` that is not a cursor this function gave. */
export class InvalidInstanceCursor extends Error {}

/**
 * A page of `job`'s instances: ended ones in the order they ended (that order never changes, so
 * cursors into it stay valid while the fan-out runs), then running ones in the order they
 * started. Without a status filter a page costs what it lists; with one, the ended instances'
 * positions by status are indexed once per fan-out and extended as it grows ({@link statusIndex}),
 * so a page costs a binary search plus what it lists and the running instances.
 * @throws InvalidInstanceCursor for an `after` that is not a cursor of this list.
 */
export function pageInstances(job: JobRunSnapshot, query: InstancePageQuery): InstancePage {
  const fan: FanOutSnapshot | undefined = job.fanOut;
  if (fan === undefined) return { nodes: [], hasNextPage: false, totalCount: 0 };
  let start = 0;
  if (query.after !== undefined) {
    const match = /^i:(\d+)$/.exec(query.after);
    if (match === null)
      throw new InvalidInstanceCursor(`"${query.after}" is not an instance cursor`);
    start = Number(match[1]);
  }
  const actionPath = job.path.slice(0, job.path.lastIndexOf('.'));
  const ended = fan.instances;
  const active = Object.values(fan.active);
  const at = (i: number): InstanceSummary | JobRunSnapshot =>
    i < ended.length ? (ended[i] as InstanceSummary) : (active[i - ended.length] as JobRunSnapshot);
  // The positions (in the list: ended, then running) that match the filter, in order.
  let matching: { readonly length: number; position(k: number): number };
  if (query.status === undefined) {
    matching = { length: ended.length + active.length, position: (k) => k };
  } else {
    const status = query.status;
    const endedAt = statusIndex(ended).get(status) ?? NONE;
    const activeAt: number[] = [];
    active.forEach((node, i) => {
      if (node.status === status) activeAt.push(ended.length + i);
    });
    matching = {
      length: endedAt.length + activeAt.length,
      position: (k) =>
        k < endedAt.length ? (endedAt[k] as number) : (activeAt[k - endedAt.length] as number),
    };
  }
  // The first match at or after `start`.
  let lo = 0;
  let hi = matching.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (matching.position(mid) < start) lo = mid + 1;
    else hi = mid;
  }
  const nodes: InstanceView[] = [];
  let end = start;
  for (let k = lo; k < matching.length && nodes.length < query.first; k++) {
    const i = matching.position(k);
    nodes.push(instanceView(at(i), actionPath));
    end = i + 1;
  }
  return {
    nodes,
    ...(nodes.length === 0 ? {} : { endCursor: `i:${end}` }),
    hasNextPage: nodes.length > 0 && lo + nodes.length < matching.length,
    totalCount: matching.length,
  };
}

const NONE: readonly number[] = [];

interface StatusIndex {
  /** How many summaries of the list it covers, and the last of them (to tell its list). */
  length: number;
  last: InstanceSummary | undefined;
  readonly byStatus: Map<NodeStatus, number[]>;
}

/**
 * Indexes of ended instance summaries by status, by fan-out: keyed by the list's first summary
 * (summaries are frozen and shared by every copy of the snapshot, see snapshot-copy.ts, and the
 * list only grows), and extended when the list grew. A list whose summary where the index stopped
 * is another object (a copy parsed from JSON, another list) gets a fresh index.
 */
const statusIndexes = new WeakMap<InstanceSummary, StatusIndex>();

/** Positions of `ended`'s summaries by status, in list order. */
export function statusIndex(
  ended: readonly InstanceSummary[],
): ReadonlyMap<NodeStatus, readonly number[]> {
  const first = ended[0];
  if (first === undefined) return new Map();
  let index = statusIndexes.get(first);
  if (
    index === undefined ||
    index.length > ended.length ||
    index.last !== ended[index.length - 1]
  ) {
    index = { length: 0, last: undefined, byStatus: new Map() };
    statusIndexes.set(first, index);
  }
  for (let i = index.length; i < ended.length; i++) {
    const status = (ended[i] as InstanceSummary).status;
    let list = index.byStatus.get(status);
    if (list === undefined) index.byStatus.set(status, (list = []));
    list.push(i);
  }
  index.length = ended.length;
  index.last = ended[ended.length - 1];
  return index.byStatus;
}

/** How one instance (its summary once ended, its node while it runs) is listed. */
export function instanceView(
  item: InstanceSummary | JobRunSnapshot,
  actionPath: string,
): InstanceView {
  const out: { -readonly [K in keyof InstanceView]: InstanceView[K] } = {
    name: item.name,
    path: `${actionPath}.${item.name}`,
    status: item.status,
    attempt: item.attempt,
  };
  if (item.exitCode !== undefined) out.exitCode = item.exitCode;
  if (item.reason !== undefined) out.reason = item.reason;
  if ('durationMs' in item && item.durationMs !== undefined) out.durationMs = item.durationMs;
  if (item.outputs !== undefined && Object.keys(item.outputs).length > 0)
    out.outputs = item.outputs;
  return out;
}
