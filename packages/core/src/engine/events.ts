/**
 * Engine events: every state change of a run is one event with a monotonically increasing `seq`
 * (assigned by the {@link RunStore}), so a subscriber that reconnects replays from the last `seq`
 * it saw and misses nothing. Log lines are not events; they go to the log sink with their own
 * per-job sequence.
 */
import type { AnyStatus } from './status.js';

/** Which level of the run tree changed. */
export type EventScope = 'run' | 'stage' | 'action' | 'job';

/** An event before the store has numbered it. */
export interface NewEngineEvent {
  readonly runId: string;
  /** ms since the epoch. */
  readonly time: number;
  readonly scope: EventScope;
  /** '' for the run; `stage`, `stage.action` or `stage.action.job` below it. */
  readonly path: string;
  readonly status: AnyStatus;
  /** Job attempt (1-based), for job events. */
  readonly attempt?: number;
  /** Why it ended or was skipped, in words. */
  readonly reason?: string;
  /** Job's exit code, when it has one. */
  readonly exitCode?: number | null;
  /** Job outputs, on the job's terminal event (secrets masked). */
  readonly outputs?: Readonly<Record<string, string>>;
  /** Who approved/rejected a pause stage, trigger info for the run, etc. */
  readonly data?: Readonly<Record<string, unknown>>;
}

export interface EngineEvent extends NewEngineEvent {
  readonly seq: number;
}

/** One stored log line of one job attempt. */
export interface JobLogLine {
  readonly runId: string;
  /** `stage.action.job`. */
  readonly jobPath: string;
  readonly attempt: number;
  /** Per job attempt, starting at 1, no gaps. */
  readonly seq: number;
  readonly stream: 'stdout' | 'stderr' | 'system';
  readonly text: string;
  readonly time: number;
}
