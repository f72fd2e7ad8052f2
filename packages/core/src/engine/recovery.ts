/**
 * Resuming runs after an engine restart (`Engine.recover`), the in-run half: what each job does
 * when the executors reach it again. The store half (finding runs, re-attaching backend objects,
 * reading where each log ends) is recovery-plan.ts.
 *
 * The executors run a recovered run from its first stage as usual; every node consults
 * {@link RunRecovery}: a node that had ended keeps its recorded result (it is not run again), a
 * node that was running is entered without a second `running` event, and a job whose attempt
 * was running is resumed per its {@link JobResume}.
 */
import type { JobHandle } from '../orchestrator/orchestrator.js';
import { jobAttemptId } from './ids.js';
import type { NodeResult } from './job-executor.js';
import type { RunExecution } from './run-execution.js';
import type { NodeStatus } from './status.js';
import { isTerminal } from './status.js';

/** Reason of an attempt that was running when the engine stopped and whose backend object is gone. */
export const LOST_DURING_RESTART = 'lost during engine restart';

/**
 * How a job continues after a restart:
 * - `follow`: its attempt's backend object was found (running or exited): follow its log from
 *   where the log sink ends, wait for it, and decide its result as usual;
 * - `lost`: its attempt was running but the backend no longer knows it: the attempt fails with
 *   {@link LOST_DURING_RESTART} (and the job's retries apply);
 * - `start`: it was waiting between attempts: attempt `attempt` starts as usual.
 */
export interface JobResume {
  readonly mode: 'follow' | 'lost' | 'start';
  readonly attempt: number;
  /** The attempt's backend object (`follow` only). */
  readonly handle?: JobHandle;
  /** Where to resume its log: `LogOptions.sinceTime`/`skipAtSinceTime` (absent: from the start). */
  readonly logs?: { readonly sinceTime?: number; readonly skipAtSinceTime?: number };
  /** Highest log seq stored for the attempt: its log continues after it (0 for `start`). */
  readonly lastSeq: number;
  /** Its `[COUT]` lines already stored (stdout and stderr, in order), fed to the collector again. */
  readonly priorStdout: readonly string[];
}

/** The recovery state of one run, held by its {@link RunExecution} while it executes. */
export class RunRecovery {
  constructor(
    private readonly resumes: Map<string, JobResume>,
    /** Unclaimed backend objects by job id (see `RecoveryPlan.orphans`). */
    private readonly orphans: Map<
      string,
      { readonly attempt: number; readonly handle: JobHandle }
    > = new Map(),
  ) {}

  /**
   * For a fan-out instance about to start: the latest of its attempts `1..maxAttempts` that the
   * backend runs already (started just before the restart, no event stored), given once.
   */
  orphan(
    runId: string,
    path: string,
    maxAttempts: number,
  ): { readonly attempt: number; readonly handle: JobHandle } | undefined {
    if (this.orphans.size === 0) return undefined;
    for (let attempt = maxAttempts; attempt >= 1; attempt--) {
      const id = jobAttemptId(runId, path, attempt);
      const found = this.orphans.get(id);
      if (found === undefined) continue;
      this.orphans.delete(id);
      return found;
    }
    return undefined;
  }

  /** Sets how job `path` resumes (an adopted orphan). */
  resumeAs(path: string, resume: JobResume): void {
    this.resumes.set(path, resume);
  }

  /** The result of a node that had ended before the restart; undefined when it still has to run. */
  recorded(node: {
    readonly status: NodeStatus;
    readonly reason?: string;
  }): NodeResult | undefined {
    if (!isTerminal(node.status)) return undefined;
    return node.reason === undefined
      ? { status: node.status }
      : { status: node.status, reason: node.reason };
  }

  /** How job `path` resumes; given once (a retry after it starts afresh). */
  take(path: string): JobResume | undefined {
    const resume = this.resumes.get(path);
    this.resumes.delete(path);
    return resume;
  }
}

/**
 * Brings a rebuilt run's live state in line with its plan before it executes again, emitting
 * the events that make the store agree: a job whose next attempt was found on the backend
 * (started just before the restart, its `running` event not stored) becomes `running` at that
 * attempt; a run marked `waiting` with no pause stage waiting goes back to `running`. Restores
 * the outputs of succeeded jobs for data links. Synchronous; call it once, before executing.
 */
export function applyRecovery(
  exec: RunExecution,
  resumes: Map<string, JobResume>,
  orphans?: Map<string, { readonly attempt: number; readonly handle: JobHandle }>,
): RunRecovery {
  const { state } = exec;
  for (const stage of state.snapshot.stages) {
    for (const action of stage.actions) {
      const jobs = action.jobs.flatMap((job) => [job, ...Object.values(job.fanOut?.active ?? {})]);
      for (const job of jobs) {
        if (job.status === 'succeeded') exec.outputs.set(job.path, { ...job.outputs });
        const resume = resumes.get(job.path);
        if (resume?.mode !== 'follow') continue;
        if (job.status === 'running' && job.attempt === resume.attempt) continue;
        if (job.status === 'running') {
          state.setJob(job.path, 'waiting', {
            reason: `attempt ${job.attempt} ended during an engine restart`,
          });
        }
        state.setJob(job.path, 'running', { attempt: resume.attempt });
      }
    }
  }
  if (state.status === 'waiting' && !state.snapshot.stages.some((s) => s.status === 'waiting')) {
    state.setRun('running');
  }
  return new RunRecovery(resumes, orphans);
}
