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
 * started. Linear in the fan-out's instances (a scan of compact summaries).
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
  const active = Object.values(fan.active);
  const all = fan.instances.length + active.length;
  const at = (i: number): InstanceSummary | JobRunSnapshot =>
    i < fan.instances.length
      ? (fan.instances[i] as InstanceSummary)
      : (active[i - fan.instances.length] as JobRunSnapshot);
  const nodes: InstanceView[] = [];
  let totalCount = 0;
  let end = start;
  for (let i = 0; i < all; i++) {
    const item = at(i);
    if (query.status !== undefined && item.status !== query.status) continue;
    totalCount += 1;
    if (i < start || nodes.length >= query.first) continue;
    nodes.push(instanceView(item, actionPath));
    end = i + 1;
  }
  const hasNextPage = nodes.length === query.first && countFrom(end) > 0;
  function countFrom(from: number): number {
    let n = 0;
    for (let i = from; i < all && n === 0; i++)
      if (query.status === undefined || at(i).status === query.status) n += 1;
    return n;
  }
  return {
    nodes,
    ...(nodes.length === 0 ? {} : { endCursor: `i:${end}` }),
    hasNextPage,
    totalCount,
  };
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
