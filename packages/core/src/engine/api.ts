/**
 * The engine's public surface: what the CLI and the server call. Implemented by `Engine`
 * (engine.ts).
 */
import type { StoreProblem } from './outbox.js';
import type { WorkflowDefinition } from '../definition/model.js';
import type { Orchestrator } from '../orchestrator/orchestrator.js';
import type { EngineEvent, JobLogLine } from './events.js';
import type { RunSnapshot } from './snapshot.js';
import type { ServiceCallbacks } from './service-callbacks.js';
import type { LogSink, RunStore } from './store.js';

/** Resolves `${{ secrets.NAME }}` at run time. Values are masked in every log line and output. */
export interface SecretProvider {
  /** Returns undefined when the secret does not exist (the job then fails with SECRET_NOT_FOUND). */
  get(name: string): Promise<string | undefined>;
}

/**
 * Runs a job's Lua `pre`/`post` hooks (issue 4 brings `plugins/hook-lua`). Without one, a job
 * with hooks fails with a clear reason instead of silently skipping them.
 */
export interface HookRunner {
  runPre(ctx: PreHookContext): Promise<PreHookResult>;
  runPost(ctx: PostHookContext): Promise<PostHookResult>;
}

export interface PreHookContext {
  readonly script: string;
  readonly jobPath: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  log(text: string): void;
}

export interface PreHookResult {
  readonly inputs: Record<string, string>;
  readonly env: Record<string, string>;
  readonly skip?: string;
  readonly fail?: string;
}

export interface PostHookContext {
  readonly script: string;
  readonly jobPath: string;
  readonly exitCode: number | null;
  readonly succeeded: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  log(text: string): void;
}

export interface PostHookResult {
  readonly outputs: Record<string, string>;
  readonly succeeded: boolean;
  readonly fail?: string;
}

export interface EngineOptions {
  readonly orchestrator: Orchestrator;
  /** Defaults to an in-memory store. */
  readonly store?: RunStore;
  /** Defaults to an in-memory log sink. */
  readonly logs?: LogSink;
  readonly secrets?: SecretProvider;
  readonly hooks?: HookRunner;
  /** The `fetch` service jobs use; default: the platform's. Tests inject their own. */
  readonly fetch?: typeof fetch;
  /**
   * One-time callback URLs for async service jobs (`service: { async: true }`); the host owns the
   * HTTP endpoint (see `CallbackRegistry`). Without it, async service jobs fail with a reason.
   */
  readonly serviceCallbacks?: ServiceCallbacks;
  /** Grace between SIGTERM and kill when stopping a job; default 10 s. */
  readonly stopGraceMs?: number;
  /** Generates run ids; default: time-ordered random ids. */
  readonly newRunId?: () => string;
  /**
   * Most bytes of log text stored per job attempt; a longer log ends with a line saying where it
   * was cut and the job's result carries `logTruncated` (its status is unchanged). Default 0: no
   * limit.
   */
  readonly maxLogBytesPerAttempt?: number;
  /**
   * Told when the run store or log sink fails and when it works again (events are retried until
   * stored, lines given up after retries and reported on their job): the host logs it and may
   * report itself not ready. Must not throw.
   */
  readonly onStoreProblem?: (problem: StoreProblem) => void;
  /**
   * Least time between two stored progress events of one fan-out job (default 250 ms). A fan-out
   * instance's transitions are delivered to observers live but not stored; the fan-out job's
   * progress events store them folded (counts, ended instances' summaries, running ones), so a
   * fan-out stores about one event per this interval however many instances it has. An ended
   * instance's backend object is removed once a progress event listing it is stored.
   */
  readonly fanOutProgressMs?: number;
}

export interface StartRunOptions {
  readonly runId?: string;
  /** Extra env for every job (trigger payload, user inputs), below job env in precedence. */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly trigger?: Readonly<Record<string, unknown>>;
  /** Cancels the run when aborted. */
  readonly signal?: AbortSignal;
  /** Re-run a finished run. `fromFailed`: keep the outputs of jobs that succeeded. */
  readonly rerun?: { readonly runId: string; readonly fromFailed: boolean };
  /** Keep the workspace after the run (so a failed run can be re-run from its failed job). */
  readonly keepWorkspace?: boolean;
}

export interface RunHandle {
  readonly runId: string;
  /** Resolves with the final snapshot when the run reaches a terminal status. Never rejects. */
  readonly done: Promise<RunSnapshot>;
}

/** Listener for live engine activity (status events and log lines). */
export interface EngineObserver {
  onEvent?(event: EngineEvent): void;
  onLog?(line: JobLogLine): void;
}

export interface PauseDecision {
  readonly approved: boolean;
  readonly by?: string;
  readonly comment?: string;
}

/**
 * The engine's public surface (implemented by `Engine`), for code that wants to depend on the
 * contract rather than the class (the server, the CLI, test doubles).
 *
 * - `start` returns at once; the run queues for its concurrency group, then executes. `done`
 *   resolves after cleanup, once every event and log line of the run is stored and delivered;
 *   it never rejects. Throws UserError `RUN_ID_IN_USE`, or `RERUN_NOT_POSSIBLE` when a re-run
 *   from failed is refused and the earlier run is in memory (otherwise the refusal ends the new
 *   run `failed` with that reason).
 * - `cancel` is idempotent: true only for the call that started the cancellation.
 * - `decide` throws UserError `RUN_NOT_FOUND` / `STAGE_NOT_WAITING`.
 * - `recover` resumes the runs a previous engine process left unfinished in the store (once, at
 *   start-up); see `Engine.recover` for what it guarantees.
 * - Observers receive events in `seq` order; a job's `running` event precedes its log lines and
 *   its next event follows them.
 */
export interface EngineApi {
  readonly store: RunStore;
  readonly logs: LogSink;
  start(workflow: WorkflowDefinition, options?: StartRunOptions): RunHandle;
  recover(): Promise<RunHandle[]>;
  cancel(runId: string, reason?: string): boolean;
  decide(runId: string, stage: string, decision: PauseDecision): void;
  observe(observer: EngineObserver): () => void;
  getRun(runId: string): RunSnapshot | undefined;
}
