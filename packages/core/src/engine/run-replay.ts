/**
 * Rebuilds a run's snapshot from its stored events: the events are the source of truth (every
 * status change is one, stored in order before observers see it), while a saved snapshot may be
 * behind them (saved at stage boundaries) or ahead of them (saved before the events of the same
 * change were stored). Replaying a fresh snapshot gives exactly what subscribers were told.
 */
import type { EngineEvent } from './events.js';
import type {
  ActionRunSnapshot,
  JobRunSnapshot,
  LogTruncation,
  RunSnapshot,
  StageRunSnapshot,
} from './snapshot.js';
import { foldInstance, newFanOut } from './fan-out-state.js';
import { isTerminal } from './status.js';
import type { NodeStatus, RunStatus } from './status.js';

/**
 * Applies `events` (one run's, in `seq` order) to `snapshot` in place, the way `RunState` applied
 * them when they happened, without transition checks: what was stored is taken as it is. Events
 * of nodes the snapshot does not have are ignored. Sets `lastSeq` to the last event's `seq`.
 */
export function replayEvents(snapshot: RunSnapshot, events: readonly EngineEvent[]): void {
  const stages = new Map<string, StageRunSnapshot>();
  const actions = new Map<string, ActionRunSnapshot>();
  const jobs = new Map<string, JobRunSnapshot>();
  for (const stage of snapshot.stages) {
    stages.set(stage.name, stage);
    for (const action of stage.actions) {
      actions.set(action.path, action);
      for (const job of action.jobs) jobs.set(job.path, job);
    }
  }
  for (const event of events) {
    if (event.runId !== snapshot.runId) continue;
    if (event.seq > snapshot.lastSeq) snapshot.lastSeq = event.seq;
    if (event.scope === 'run') {
      const status = event.status as RunStatus;
      snapshot.status = status;
      if (status === 'running') snapshot.startedAt ??= event.time;
      if (isTerminal(status)) snapshot.finishedAt = event.time;
      if (event.reason !== undefined) snapshot.reason = event.reason;
      continue;
    }
    const status = event.status as NodeStatus;
    let node: StageRunSnapshot | ActionRunSnapshot | JobRunSnapshot | undefined;
    if (event.scope === 'stage') {
      const stage = stages.get(event.path);
      node = stage;
      const data = event.data;
      if (stage !== undefined && data !== undefined && typeof data['approved'] === 'boolean') {
        stage.decision = {
          approved: data['approved'],
          ...(typeof data['by'] === 'string' ? { by: data['by'] } : {}),
          ...(typeof data['comment'] === 'string' ? { comment: data['comment'] } : {}),
        };
      }
    } else if (event.scope === 'action') {
      node = actions.get(event.path);
    } else {
      const job = jobs.get(event.path) ?? instanceNode(jobs, event.path);
      node = job;
      if (job !== undefined) {
        if (event.attempt !== undefined) job.attempt = event.attempt;
        if (event.exitCode !== undefined) job.exitCode = event.exitCode;
        if (event.outputs !== undefined) job.outputs = { ...event.outputs };
        if (status === 'running') {
          job.reason = undefined;
          job.logTruncated = undefined;
        }
        const truncated = event.data?.['logTruncated'];
        if (typeof truncated === 'object' && truncated !== null)
          job.logTruncated = truncated as LogTruncation;
      }
    }
    if (node === undefined) continue;
    node.status = status;
    if (status === 'running' || status === 'waiting') node.startedAt ??= event.time;
    if (isTerminal(status)) {
      node.finishedAt = event.time;
      if (status !== 'skipped') node.startedAt ??= event.time;
    }
    if (event.reason !== undefined) node.reason = event.reason;
    if (isTerminal(status) && event.scope === 'job')
      endInstance(jobs, event.path, node as JobRunSnapshot);
  }
}

/** The fan-out job of an instance path (`stage.action.job[...]`); names never hold `[`. */
function fanOutOf(
  jobs: ReadonlyMap<string, JobRunSnapshot>,
  path: string,
): JobRunSnapshot | undefined {
  const bracket = path.indexOf('[');
  return bracket < 0 ? undefined : jobs.get(path.slice(0, bracket));
}

/** The node of a fan-out instance, made at its first event, as `RunState.addInstance` did. */
function instanceNode(
  jobs: ReadonlyMap<string, JobRunSnapshot>,
  path: string,
): JobRunSnapshot | undefined {
  const parent = fanOutOf(jobs, path);
  if (parent === undefined) return undefined;
  const fan = (parent.fanOut ??= newFanOut());
  const name = path.slice(path.lastIndexOf('.', path.indexOf('[')) + 1);
  let node = fan.active[name];
  if (node === undefined) {
    node = { name, path, status: 'pending', attempt: 0, outputs: {} };
    fan.active[name] = node;
    fan.started += 1;
  }
  return node;
}

/** An instance's terminal event folds it into its fan-out, as `RunState.endInstance` did. */
function endInstance(
  jobs: ReadonlyMap<string, JobRunSnapshot>,
  path: string,
  node: JobRunSnapshot,
): void {
  const fan = fanOutOf(jobs, path)?.fanOut;
  if (fan !== undefined && fan.active[node.name] === node) foldInstance(fan, node, true);
}
