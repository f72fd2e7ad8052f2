/**
 * Statuses of runs and of their stages, actions and jobs, and which transitions are allowed.
 */

/** `queued`: waiting for its concurrency group; `waiting`: a pause stage awaits approval. */
export type RunStatus =
  'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

/** Status of a stage, action or job. */
export type NodeStatus =
  | 'pending'
  | 'running'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'timed_out'
  | 'cancelled'
  | 'skipped';

export type AnyStatus = RunStatus | NodeStatus;

const terminal: ReadonlySet<AnyStatus> = new Set([
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
]);

/** True once a run/stage/action/job can no longer change. */
export function isTerminal(status: AnyStatus): boolean {
  return terminal.has(status);
}

/** The statuses a node may move to from `from`; the engine refuses anything else (a bug). */
export const nodeTransitions: Readonly<Record<NodeStatus, readonly NodeStatus[]>> = {
  pending: ['running', 'waiting', 'skipped', 'cancelled', 'failed', 'timed_out', 'succeeded'],
  running: ['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped', 'waiting'],
  waiting: ['running', 'succeeded', 'failed', 'timed_out', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  cancelled: [],
  skipped: [],
};

export const runTransitions: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled'],
  running: ['waiting', 'succeeded', 'failed', 'timed_out', 'cancelled'],
  waiting: ['running', 'failed', 'timed_out', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  cancelled: [],
};
