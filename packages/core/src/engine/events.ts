/**
 * Engine events: every state change of a run is one event with a monotonically increasing `seq`
 * (assigned by the {@link RunStore}), so a subscriber that reconnects replays from the last `seq`
 * it saw and misses nothing. Log lines are not events; they go to the log sink with their own
 * per-job sequence.
 */
import type { InstanceSummary } from './snapshot.js';
import type { AnyStatus, NodeStatus } from './status.js';

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
  /**
   * Who approved/rejected a pause stage, trigger info for the run, etc. A fan-out job's progress
   * event carries `data.fanOutProgress` ({@link FanOutProgress}).
   */
  readonly data?: Readonly<Record<string, unknown>>;
  /**
   * Set on the transitions of fan-out instances: the event is delivered to live observers but
   * never stored (a fan-out of 100,000 instances must not store 200,000 rows). Its `seq` is the
   * `seq` of the latest stored event of its run before it, so it is not unique; what it changed
   * reaches the store folded into the fan-out job's next progress event (`data.fanOutProgress`,
   * at a bounded rate), so a subscriber that replays from the store converges to the same state.
   */
  readonly liveOnly?: true;
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

/**
 * What a fan-out job's progress event carries in `data.fanOutProgress`: the fan-out's counts, the
 * instances that ended since its previous progress event (compact summaries, in end order) and the
 * instances running now. The engine emits one at most every `EngineOptions.fanOutProgressMs` while
 * instances change, and one more just before the fan-out job ends, so the stored events of a
 * fan-out grow with time, not with its instances; replaying them rebuilds the fan-out's state
 * (run-replay.ts), which is what a restarted engine resumes from.
 */
export interface FanOutProgress {
  readonly total: number;
  readonly started: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Instances that ended since the previous progress event of this fan-out, in end order. */
  readonly ended: readonly InstanceSummary[];
  /** Instances started and not ended (at most `max-parallel`): running or waiting to retry. */
  readonly active: readonly FanOutActiveInstance[];
}

/** A started instance that has not ended, as a progress event lists it. */
export interface FanOutActiveInstance {
  readonly name: string;
  readonly status: NodeStatus;
  readonly attempt: number;
}

/** The progress a fan-out job's event carries, if it is one (see {@link FanOutProgress}). */
export function fanOutProgressOf(event: NewEngineEvent): FanOutProgress | undefined {
  const progress = event.data?.['fanOutProgress'];
  return typeof progress === 'object' && progress !== null
    ? (progress as FanOutProgress)
    : undefined;
}
