/**
 * The orchestrator contract: how the engine runs one job attempt somewhere (a child process, a
 * container, a cluster job...). The engine knows no backend by name: what a backend can do is
 * declared in {@link OrchestratorCapabilities}, backend-only job fields travel in
 * {@link JobSpec.options}, and labels follow one rule every backend can store (`labels.ts`).
 * Plugin authors import it from `@containerops/sdk`;
 * it lives in core because the engine's scheduler calls it.
 *
 * ## Lifecycle (per run)
 * ```
 * isAvailable()                       any time, cheap, never throws
 * prepare(run)                        once per run before its first job; idempotent
 *   for each job attempt:
 *     start(job) -> handle            may throw OrchestratorError (the attempt fails, no retry of start)
 *     logs(handle)   } called concurrently right after start; logs() ends when the job's streams
 *     wait(handle)   } close; wait() resolves when the job has exited (never rejects for a job failure)
 *     stop(handle)                    on timeout/cancel, may be called before, during or after wait();
 *                                     idempotent; safe even if start failed
 *     remove(handle)                  after wait() and logs() have settled; idempotent
 * cleanup(run)                        once when the run ends (or is abandoned); idempotent; removes
 *                                     the workspace unless `keepWorkspace`
 * reattach(selector)                  after an engine restart: handles of jobs still known to the backend;
 *                                     finishes a start() the crash cut short (see reattach)
 * ```
 * ## Concurrency
 * Methods may be called concurrently for different jobs and runs. For one handle the engine calls
 * `logs` and `wait` concurrently and `stop` at any moment; implementations must tolerate that.
 *
 * ## Errors
 * Infrastructure failures throw {@link OrchestratorError}. A job that runs and fails is not an
 * error: `wait` resolves with its exit code and reason.
 */
import type { ResourceRequirements } from '../definition/model.js';

/** What a backend can do; the conformance suite skips what is not declared, with the reason. */
export interface OrchestratorCapabilities {
  /** Runs container images. `local` cannot (it only runs `command`). */
  readonly images: boolean;
  /** Enforces memory limits and reports OOM kills. */
  readonly memoryLimit: boolean;
  /** Enforces CPU limits. */
  readonly cpuLimit: boolean;
  /** Jobs are isolated from the host (filesystem, processes). */
  readonly isolation: boolean;
  /** Jobs can survive an engine restart and be re-attached. */
  readonly reattach: boolean;
  /** Jobs can reach the network beyond loopback. */
  readonly network: boolean;
  /**
   * The backend-only job fields this orchestrator reads from {@link JobSpec.options}, by name
   * (e.g. `kubectl`: the 2017 format's pod manifest). The engine passes only these; a job that
   * sets another one runs without it, with a note in its log. Absent: none.
   */
  readonly jobOptions?: readonly string[];
}

export interface Availability {
  readonly available: boolean;
  /** Why not, in words a user can act on ("no engine answers on its socket"). */
  readonly reason?: string;
}

/** The run being prepared or cleaned up. */
export interface RunContext {
  readonly runId: string;
  /** Workflow uri; for labels and names. */
  readonly workflow: string;
  /** Labels every resource of the run carries (the engine adds `containerops.run-id` etc.). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Whose workspace to use: absent = this run's own. A re-run from a failed job sets it to the
   * earlier run whose workspace was kept, so its jobs see the files the reused jobs left.
   */
  readonly workspaceRunId?: string;
}

/**
 * The run whose workspace a run or job uses: its own, or the kept one of the run it re-runs.
 * Backends key workspaces (directories, volumes, PVCs) by this, never by `runId` directly.
 */
export function workspaceOwner(target: {
  readonly runId: string;
  readonly workspaceRunId?: string;
}): string {
  return target.workspaceRunId ?? target.runId;
}

/** One attempt of one job, fully resolved by the engine. */
export interface JobSpec {
  /**
   * Unique id of this attempt, safe as a container/process name component:
   * `[a-z0-9][a-z0-9-]*`, at most 63 characters.
   */
  readonly id: string;
  readonly runId: string;
  readonly workflow: string;
  readonly stage: string;
  readonly action: string;
  readonly job: string;
  readonly attempt: number;
  /** Image to run; absent for command-only jobs. */
  readonly image?: string;
  /** argv; overrides the image's entrypoint when given. */
  readonly command?: readonly string[];
  /**
   * The complete environment of the job (CO_DATA, CO_*, links, workflow/job env). The orchestrator
   * adds `CO_WORKSPACE` and `CO_OUTPUT` (paths in its world) and nothing else.
   */
  readonly env: Readonly<Record<string, string>>;
  readonly resources: ResourceRequirements;
  /**
   * Labels identifying the run, job and attempt (see {@link JobLabel}); put them on every backend
   * object. Keys and values follow the rule of `labels.ts` (the strictest label syntax a backend has, values at
   * most 63 characters), so every backend can store them as they are.
   */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The originals of label values the rule made the engine encode (the workflow uri `acme/x/ci`
   * cannot be a label value), under the label's key. Free text: a backend that can keep it
   * (free-text labels or annotations) stores it; one that cannot, drops it.
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * The job's timeout, for information. The **engine** enforces it: when it passes, the engine
   * calls `stop()` and the attempt ends `TIMED_OUT`. Backends need not read it (none of the
   * built-in ones does); one may use it as a safety net for when the engine is gone.
   */
  readonly timeoutMs?: number;
  /**
   * Backend-only job fields (e.g. `kubectl`), only those the orchestrator declared in
   * {@link OrchestratorCapabilities.jobOptions}; checked by {@link Orchestrator.validateJobOptions}
   * before `start`. Absent when the job sets none the backend reads.
   */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Same as {@link RunContext.workspaceRunId}: absent = the run's own workspace. */
  readonly workspaceRunId?: string;
}

/** Serializable reference to a started job; enough to find it again after a restart. */
export interface JobHandle {
  readonly id: string;
  readonly runId: string;
  /** Backend-specific id (pid, container id, service id...). */
  readonly backendId: string;
  readonly labels: Readonly<Record<string, string>>;
}

export type LogStream = 'stdout' | 'stderr';

/**
 * One line of a job's output, without its line terminator. A line longer than the backend's
 * line limit (1 MiB for the built-in backends) is delivered in pieces, in order, each piece but
 * the last marked {@link LogChunk.partial}, so memory stays bounded and nothing is dropped.
 */
export interface LogChunk {
  readonly stream: LogStream;
  readonly text: string;
  /** Milliseconds since the epoch when the line was read (or stamped by the backend). */
  readonly time: number;
  /**
   * True when the line goes on in the next chunk of the same stream (this piece is not a whole
   * line). Whoever reads lines for meaning (the `[COUT]` output collector) must join the pieces
   * or refuse the line, never read a piece as a line of its own. Absent on whole lines.
   */
  readonly partial?: boolean;
}

/**
 * Lines of one stream that a backend read together (one read of a pipe, one frame of a log API),
 * for {@link Orchestrator.logBatches}: no object per line on the hot path.
 */
export interface LogBatch {
  readonly stream: LogStream;
  /** Lines (or pieces of over-long lines) in order, without terminators; never empty. */
  readonly lines: readonly string[];
  /** Milliseconds since the epoch when the lines were read: one stamp for the whole batch. */
  readonly time: number;
  /** Indexes in `lines` of pieces the next line continues ({@link LogChunk.partial}); absent if none. */
  readonly partial?: readonly number[];
}

export interface LogOptions {
  /** Resume after a restart: skip lines stamped before this time (ms epoch)... */
  readonly sinceTime?: number;
  /** ...and skip this many lines stamped exactly at `sinceTime` that were already stored. */
  readonly skipAtSinceTime?: number;
  readonly signal?: AbortSignal;
}

/**
 * Why a job ended. `exited`: ran to completion (exit code tells success); `oom`: killed for memory;
 * `killed`: stopped by `stop()` (timeout or cancel); `error`: the backend failed it.
 */
export type ExitReason = 'exited' | 'oom' | 'killed' | 'error';

export interface JobExit {
  /** Process exit code; null when there is none (killed by signal, never started). */
  readonly exitCode: number | null;
  readonly reason: ExitReason;
  /** Human-readable detail for non-`exited` reasons. */
  readonly message?: string;
  /** Contents of the `$CO_OUTPUT` file after the job, when it exists. */
  readonly outputFile?: string;
}

export interface StopOptions {
  /** Time between the graceful signal (SIGTERM) and the kill. */
  readonly graceMs: number;
}

export interface CleanupOptions {
  /** Keep the workspace (for a re-run from the failed job). */
  readonly keepWorkspace: boolean;
}

/** Finds jobs of a run (or of every run) after an engine restart. */
export interface ReattachSelector {
  readonly runId?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Orchestrator {
  /** Its plugin's registry name (`local`, ...): what `--orchestrator NAME` selects. */
  readonly name: string;
  readonly capabilities: OrchestratorCapabilities;
  /** Cheap health check; never throws. */
  isAvailable(): Promise<Availability>;
  /**
   * Checks the job's backend-only options (those in `capabilities.jobOptions`) before it starts.
   * Returns what is wrong in words the workflow author can act on, or undefined when they are
   * fine; the engine then fails the attempt without calling `start`. Optional: without it every
   * value is accepted. Pure, never throws.
   */
  validateJobOptions?(options: Readonly<Record<string, unknown>>): string | undefined;
  /** Creates the run's workspace. Idempotent. */
  prepare(run: RunContext): Promise<void>;
  /** Starts one job attempt. Throws OrchestratorError if it cannot start (missing image...). */
  start(job: JobSpec): Promise<JobHandle>;
  /**
   * Follows the job's stdout and stderr line by line until both close. Every line exactly once;
   * order is preserved within a stream. Ends (does not throw) when the job is stopped.
   */
  logs(handle: JobHandle, options?: LogOptions): AsyncIterable<LogChunk>;
  /**
   * Optional: the same lines as {@link logs}, with the same options and guarantees (every line
   * exactly once, in order per stream, ends when the streams close or the job is stopped), in
   * batches. The engine reads this instead of `logs` when it exists: one await per batch rather
   * than per line. Either method is called for a job, never both.
   */
  logBatches?(handle: JobHandle, options?: LogOptions): AsyncIterable<LogBatch>;
  /**
   * Resolves when the job has exited. Rejects only on infrastructure errors. A job that never
   * ran (its start failed in the backend, or its object was removed before it could run)
   * resolves `error`, never `exited`: only a job that ran may report an exit code.
   */
  wait(handle: JobHandle): Promise<JobExit>;
  /** Graceful signal, then kill after `graceMs`. Idempotent; safe if the job never started. */
  stop(handle: JobHandle, options: StopOptions): Promise<void>;
  /** Frees the job's backend objects. Idempotent. */
  remove(handle: JobHandle): Promise<void>;
  /** Frees the run's objects (workspace...). Idempotent. */
  cleanup(run: RunContext, options: CleanupOptions): Promise<void>;
  /**
   * Jobs the backend still knows, for re-attaching after an engine restart: running ones and
   * ended ones not removed yet. Every returned handle refers to a job that runs or has run: a job
   * whose `start` an engine crash cut short (its backend object was created, the job was not
   * started yet) is started now, finishing that `start` with the spec it was created from, so it
   * runs once and is followed like any running job. Backends whose start is one atomic call
   * (a backend whose one create call also runs the job) have no such window. A job that cannot be
   * started any more is reported `error` by `wait`; one whose object is gone is left out (the
   * engine then fails the attempt as lost and the job's retries apply).
   */
  reattach(selector: ReattachSelector): Promise<JobHandle[]>;
}

/** Labels the engine puts on every job; backends filter on them in `reattach`. */
export const JobLabel = {
  runId: 'containerops.run-id',
  workflow: 'containerops.workflow',
  stage: 'containerops.stage',
  action: 'containerops.action',
  job: 'containerops.job',
  attempt: 'containerops.attempt',
  jobId: 'containerops.job-id',
  managed: 'containerops.managed',
} as const;
