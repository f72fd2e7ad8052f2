/**
 * Rebuilds a run's snapshot from its stored events: the events are the source of truth (every
 * status change is one, stored in order before observers see it), while a saved snapshot may be
 * behind them (saved at stage boundaries) or ahead of them (saved before the events of the same
 * change were stored). Replaying a fresh snapshot gives exactly what subscribers were told.
 */
import { fanOutProgressOf } from './events.js';
import type { EngineEvent, FanOutProgress } from './events.js';
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
      const progress = fanOutProgressOf(event);
      if (progress !== undefined) {
        const fanOutJob = jobs.get(event.path);
        if (fanOutJob !== undefined) applyProgress(fanOutJob, progress);
        continue;
      }
      // Instance events are live-only now; runs stored before that have them, and they still
      // replay.
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
    if (isTerminal(status) && event.scope === 'job') {
      const job = node as JobRunSnapshot;
      endInstance(jobs, event.path, job);
      // As the fan-out executor does at the end: whatever did not run was skipped.
      const fan = job.fanOut;
      if (fan !== undefined && fan.total > 0) fan.skipped = fan.total - fan.passed - fan.failed;
    }
  }
}

/**
 * A fan-out job's progress event: its instances that ended since the previous one are folded
 * in, its counts and running instances replaced, as `FanOutProgressReporter` saw them.
 */
function applyProgress(job: JobRunSnapshot, progress: FanOutProgress): void {
  const fan = (job.fanOut ??= newFanOut());
  // Frozen like the live ones (copies of the snapshot share them: snapshot-copy.ts).
  for (const summary of progress.ended) fan.instances.push(Object.freeze({ ...summary }));
  fan.total = progress.total;
  fan.started = progress.started;
  fan.passed = progress.passed;
  fan.failed = progress.failed;
  fan.skipped = progress.skipped;
  const actionPath = job.path.slice(0, job.path.lastIndexOf('.'));
  const active: Record<string, JobRunSnapshot> = {};
  for (const a of progress.active) {
    const node = fan.active[a.name] ?? {
      name: a.name,
      path: `${actionPath}.${a.name}`,
      status: a.status,
      attempt: a.attempt,
      outputs: {},
    };
    node.status = a.status;
    node.attempt = a.attempt;
    active[a.name] = node;
  }
  fan.active = active;
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
