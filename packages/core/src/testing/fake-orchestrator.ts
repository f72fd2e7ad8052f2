/**
 * An in-memory orchestrator for engine tests and the SDK's conformance suite. Jobs run nothing:
 * each one follows the `FAKE_*` protocol read from its own env (names in `FakeEnv`), so a test
 * describes a job's behaviour in the workflow itself.
 */
import { ErrorCode } from '../errors.js';
import { OrchestratorError } from '../orchestrator/orchestrator-error.js';
import { workspaceOwner } from '../orchestrator/orchestrator.js';
import type {
  Availability,
  CleanupOptions,
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  LogOptions,
  Orchestrator,
  OrchestratorCapabilities,
  ReattachSelector,
  RunContext,
  StopOptions,
} from '../orchestrator/orchestrator.js';
import { FakeJob } from './fake-job.js';
import { parseFakeScript } from './fake-protocol.js';

export interface FakeOrchestratorOptions {
  /** Makes `isAvailable()` report unavailable with this reason (for "no backend" tests). */
  readonly unavailableReason?: string;
}

/**
 * The fake orchestrator (`name: 'fake'`). Follows the {@link Orchestrator} lifecycle exactly; what
 * each job does comes from its env (table in `fake-protocol.ts`):
 *
 * - `FAKE_STDOUT` / `FAKE_STDERR`: lines (separated by `\n`) printed on stdout / stderr.
 * - `FAKE_STDOUT_REPEAT=N`: then prints `line 1` .. `line N` on stdout.
 * - `FAKE_EXIT_CODE` (default 0); `FAKE_DELAY_MS`: keeps running that long (stop() ends it early).
 * - `FAKE_START_ERROR=msg`: `start()` throws {@link OrchestratorError} `JOB_START_FAILED`, or
 *   `IMAGE_NOT_FOUND` when msg starts with "image".
 * - `FAKE_OUTPUT_FILE=content`: returned as `JobExit.outputFile`.
 * - `FAKE_OOM=1`: exits `{ exitCode: 137, reason: 'oom' }`.
 * - `FAKE_FAIL_ATTEMPTS=N`: attempts `<= N` exit 1 (retry tests).
 * - `FAKE_ECHO_ENV=A,B`: prints `[COUT] A = <value of A>` for each name (data-link tests).
 * - `FAKE_WRITE_FILE=path=content` / `FAKE_READ_FILE=path`: a simulated per-run workspace (kept from
 *   `prepare` until `cleanup` unless `keepWorkspace`); a read prints the content on stdout, a missing
 *   file prints a message on stderr and exits 1.
 * - `FAKE_IGNORE_TERM=1`: the graceful stop is ignored; only the kill after `graceMs` ends it.
 *
 * Lines are emitted asynchronously, in batches of a few thousand per event-loop turn, stamped with
 * `Date.now()`. A stopped job resolves `wait()` with `{ exitCode: null, reason: 'killed' }`, and
 * `stop()` resolves once the job has ended. `start` before `prepare` creates the run's workspace
 * lazily. `reattach` finds jobs of this instance not removed yet (the "backend" is process memory).
 *
 * For assertions: {@link started}, {@link events}, {@link liveJobs}, {@link retainedJobs}.
 */
export class FakeOrchestrator implements Orchestrator {
  readonly name = 'fake';
  readonly capabilities: OrchestratorCapabilities = {
    images: true,
    memoryLimit: true,
    cpuLimit: false,
    isolation: false,
    reattach: true,
    network: false,
  };
  /** Every JobSpec passed to `start`, in call order, including those whose start failed. */
  readonly started: JobSpec[] = [];
  /**
   * Method call log: `prepare:<runId>`, `start:<jobId>`, `stop:<jobId>`, `remove:<jobId>`,
   * `cleanup:<runId>` (one entry per call, idempotent repeats included).
   */
  readonly events: string[] = [];

  private readonly jobs = new Map<string, FakeJob>();
  private readonly workspaces = new Map<string, Map<string, string>>();
  private nextBackendId = 1;

  constructor(private readonly options: FakeOrchestratorOptions = {}) {}

  /** Jobs started and not yet exited. */
  liveJobs(): number {
    let count = 0;
    for (const job of this.jobs.values()) if (job.running) count++;
    return count;
  }

  /** Jobs started and not yet removed (a leak check: 0 after a run that cleaned up). */
  retainedJobs(): number {
    return this.jobs.size;
  }

  /** Whether the run's simulated workspace exists (between `prepare` and `cleanup`). */
  hasWorkspace(runId: string): boolean {
    return this.workspaces.has(runId);
  }

  async isAvailable(): Promise<Availability> {
    const reason = this.options.unavailableReason;
    return reason === undefined ? { available: true } : { available: false, reason };
  }

  async prepare(run: RunContext): Promise<void> {
    this.events.push(`prepare:${run.runId}`);
    const owner = workspaceOwner(run);
    if (!this.workspaces.has(owner)) this.workspaces.set(owner, new Map());
  }

  async start(job: JobSpec): Promise<JobHandle> {
    this.started.push(job);
    this.events.push(`start:${job.id}`);
    const script = parseFakeScript(job.env);
    if (script.startError !== undefined) {
      const code = script.startError.startsWith('image')
        ? ErrorCode.imageNotFound
        : ErrorCode.jobStartFailed;
      throw new OrchestratorError(code, script.startError, 'operational', {
        details: { jobId: job.id },
      });
    }
    if (this.jobs.has(job.id)) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} was already started`,
        'unexpected',
      );
    }
    let workspace = this.workspaces.get(workspaceOwner(job));
    if (!workspace) {
      workspace = new Map();
      this.workspaces.set(workspaceOwner(job), workspace);
    }
    const handle: JobHandle = {
      id: job.id,
      runId: job.runId,
      backendId: `fake-${this.nextBackendId++}`,
      labels: job.labels,
    };
    this.jobs.set(job.id, new FakeJob(job, handle, script, workspace));
    return handle;
  }

  async *logs(handle: JobHandle, options: LogOptions = {}): AsyncIterable<LogChunk> {
    const job = this.get(handle);
    const { signal, sinceTime } = options;
    let skip = options.skipAtSinceTime ?? 0;
    let aborted: Promise<void> | undefined;
    if (signal) {
      aborted = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    let index = 0;
    for (;;) {
      while (index < job.lines.length) {
        if (signal?.aborted) return;
        const line = job.lines[index++] as LogChunk;
        if (sinceTime !== undefined) {
          if (line.time < sinceTime) continue;
          if (line.time === sinceTime && skip > 0) {
            skip--;
            continue;
          }
        }
        yield line;
      }
      if (job.outputDone || signal?.aborted) return;
      await (aborted ? Promise.race([job.changed(), aborted]) : job.changed());
    }
  }

  wait(handle: JobHandle): Promise<JobExit> {
    try {
      return this.get(handle).exit;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    this.events.push(`stop:${handle.id}`);
    const job = this.jobs.get(handle.id);
    if (job) await job.stop(options.graceMs);
  }

  async remove(handle: JobHandle): Promise<void> {
    this.events.push(`remove:${handle.id}`);
    const job = this.jobs.get(handle.id);
    if (!job) return;
    // Removing a job that still runs kills it first, as container backends do with force-remove.
    if (job.running) await job.stop(0);
    this.jobs.delete(handle.id);
  }

  async cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    this.events.push(`cleanup:${run.runId}`);
    if (!options.keepWorkspace) this.workspaces.delete(workspaceOwner(run));
  }

  async reattach(selector: ReattachSelector): Promise<JobHandle[]> {
    const handles: JobHandle[] = [];
    // Running jobs and ended ones not removed yet, as the contract says: an engine that died
    // between a job's end and its removal follows the ended job and reads its exit.
    for (const job of this.jobs.values()) {
      if (selector.runId !== undefined && job.handle.runId !== selector.runId) continue;
      const labels = selector.labels ?? {};
      if (Object.keys(labels).every((key) => job.handle.labels[key] === labels[key]))
        handles.push(job.handle);
    }
    return handles;
  }

  private get(handle: JobHandle): FakeJob {
    const job = this.jobs.get(handle.id);
    if (!job) {
      throw new OrchestratorError(
        ErrorCode.jobNotFound,
        `fake orchestrator knows no job ${handle.id}`,
        'unexpected',
      );
    }
    return job;
  }
}
