/**
 * How one attempt of a job is executed, chosen by job type: `component` jobs run containers
 * (component-runner.ts), `service` jobs call HTTP APIs (service-runner.ts).
 */
import type {
  ActionDefinition,
  JobDefinition,
  JobType,
  StageDefinition,
} from '../definition/model.js';
import type { AttemptLog } from './attempt-log.js';
import type { JobResume } from './recovery.js';
import type { RunExecution } from './run-execution.js';
import type { NodeStatus } from './status.js';
import type { StopScope } from './timeouts.js';

/** One attempt, fully prepared: env resolved, `running` already emitted, pre hook applied. */
export interface JobAttempt {
  readonly exec: RunExecution;
  readonly stage: StageDefinition;
  readonly action: ActionDefinition;
  readonly job: JobDefinition;
  /** `stage.action.job`. */
  readonly path: string;
  readonly attempt: number;
  readonly env: Readonly<Record<string, string>>;
  /** Aborts on the job's own timeout or anything above it (action, stage, run, cancel). */
  readonly scope: StopScope;
  readonly log: AttemptLog;
  /**
   * Set when the attempt was running before an engine restart and its backend object was found
   * again: do not start it, follow this handle's log from the resume point, then wait as usual.
   */
  readonly resume?: JobResume;
}

export interface AttemptOutcome {
  readonly status: Extract<NodeStatus, 'succeeded' | 'failed' | 'timed_out' | 'cancelled'>;
  readonly reason?: string;
  readonly exitCode?: number | null;
  /** Outputs of the attempt (unmasked; the job executor masks them). */
  readonly outputs: Readonly<Record<string, string>>;
  /** False when another attempt cannot help (could not start, unsupported job). */
  readonly retryable: boolean;
  /**
   * Frees the attempt's backend objects. Called exactly once, after the post hook and once the
   * attempt's result event is stored. Never rejects.
   */
  release(): Promise<void>;
}

/**
 * Runs one attempt. Contract: `run` never rejects (every failure becomes an outcome), returns only
 * once the attempt's last log line has been written, and honours `attempt.scope` by stopping the
 * work and reporting `timed_out` / `cancelled`.
 */
export interface JobRunner {
  run(attempt: JobAttempt): Promise<AttemptOutcome>;
}

export type JobRunners = Readonly<Record<JobType, JobRunner>>;

/** An outcome with nothing to release. */
export function outcome(
  status: AttemptOutcome['status'],
  reason: string | undefined,
  retryable: boolean,
  extra: { exitCode?: number | null; outputs?: Readonly<Record<string, string>> } = {},
): AttemptOutcome {
  return {
    status,
    ...(reason === undefined ? {} : { reason }),
    ...(extra.exitCode === undefined ? {} : { exitCode: extra.exitCode }),
    outputs: extra.outputs ?? {},
    retryable,
    release: () => Promise.resolve(),
  };
}
