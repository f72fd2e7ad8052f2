/**
 * The orchestrator as the engines see it in the server: the configured one, with a gate on
 * `start()` that graceful shutdown closes (lifecycle/graceful-shutdown.ts).
 *
 * Why at the orchestrator: the engine has no "stop scheduling" switch, and a job attempt that
 * starts while the server is going down either dies with it (local) or is cut between container
 * create and start (Docker). Once the gate is closed no new attempt reaches the backend: a
 * `start()` call waits (held) until shutdown decides its run's fate and rejects it with the
 * shutdown reason. Calls already in flight are counted so shutdown can wait for them to return.
 * Every other method passes straight through.
 */
import { OrchestratorError } from '@containerops/core';
import { ServerErrorCode } from '../services/contracts.js';
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
} from '@containerops/core';

/** Stable code of the error a held `start()` rejects with, and of refused new runs. */
export const SHUTTING_DOWN = ServerErrorCode.shuttingDown;

interface HeldStart {
  readonly runId: string;
  readonly reject: (error: Error) => void;
}

export class JobStartGate implements Orchestrator {
  private closed = false;
  private inFlight = 0;
  private readonly held: HeldStart[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  /** The wrapped orchestrator's optional methods, when it has them (the engine tests for them). */
  readonly validateJobOptions?: Orchestrator['validateJobOptions'];
  readonly logBatches?: Orchestrator['logBatches'];

  constructor(readonly inner: Orchestrator) {
    if (inner.validateJobOptions !== undefined)
      this.validateJobOptions = inner.validateJobOptions.bind(inner);
    if (inner.logBatches !== undefined) this.logBatches = inner.logBatches.bind(inner);
  }

  get name(): string {
    return this.inner.name;
  }

  get capabilities(): OrchestratorCapabilities {
    return this.inner.capabilities;
  }

  /** From now on `start()` is held (see the file comment). Idempotent. */
  close(): void {
    this.closed = true;
  }

  /** Runs with a `start()` held at the gate (their job is marked running, nothing started). */
  heldRuns(): ReadonlySet<string> {
    return new Set(this.held.map((h) => h.runId));
  }

  /** Rejects every held `start()` with an OrchestratorError SHUTTING_DOWN carrying `reason`. */
  rejectHeld(reason: string): void {
    for (const start of this.held.splice(0)) {
      start.reject(new OrchestratorError(SHUTTING_DOWN, reason));
    }
  }

  /** Resolves once no `start()` is in flight on the backend, or after `timeoutMs`. */
  async startsSettled(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  async start(job: JobSpec): Promise<JobHandle> {
    if (this.closed) {
      return new Promise<JobHandle>((_resolve, reject) => {
        this.held.push({ runId: job.runId, reject });
      });
    }
    this.inFlight++;
    try {
      return await this.inner.start(job);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  isAvailable(): Promise<Availability> {
    return this.inner.isAvailable();
  }
  prepare(run: RunContext): Promise<void> {
    return this.inner.prepare(run);
  }
  logs(handle: JobHandle, options?: LogOptions): AsyncIterable<LogChunk> {
    return this.inner.logs(handle, options);
  }
  wait(handle: JobHandle): Promise<JobExit> {
    return this.inner.wait(handle);
  }
  stop(handle: JobHandle, options: StopOptions): Promise<void> {
    return this.inner.stop(handle, options);
  }
  remove(handle: JobHandle): Promise<void> {
    return this.inner.remove(handle);
  }
  cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    return this.inner.cleanup(run, options);
  }
  reattach(selector: ReattachSelector): Promise<JobHandle[]> {
    return this.inner.reattach(selector);
  }
}
