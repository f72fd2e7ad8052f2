/**
 * Workflow parsing off the event loop: a small pool of worker threads (parse.worker.ts) with a
 * bounded queue and a time limit per parse. Whatever a submitted file costs to parse, the
 * server's event loop (health checks, other requests, the engine) goes on; a parse that overruns
 * its limit is stopped by terminating its thread, which is replaced on next use.
 *
 * Failures are UserErrors with stable codes: SERVER_BUSY when every worker is busy and the
 * queue is full (try again shortly), WORKFLOW_PARSE_TIMEOUT when a parse overran its limit.
 * Idle workers are unref'd, so the pool never keeps a process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '@containerops/core';
import type { TargetOrchestrator } from '@containerops/core';
import { ServerErrorCode } from '../services/contracts.js';
import type { ParsedWorkflow, ParseTask, WorkerMessage } from './parse-protocol.js';

export interface ParsePoolOptions {
  /** Most parser threads alive at once. Default: one per spare core, 1 to 2. */
  readonly size?: number;
  /** Parses waiting for a thread beyond which new ones are refused (SERVER_BUSY). Default 32. */
  readonly maxQueue?: number;
  /** Time one parse may take before its thread is stopped. Default 10 s. */
  readonly timeoutMs?: number;
  /** Heap cap per thread, MiB. Default 256. */
  readonly maxHeapMb?: number;
}

const STARTUP_TIMEOUT_MS = 30_000;

interface Job {
  readonly task: ParseTask;
  readonly resolve: (result: ParsedWorkflow) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  dead: boolean;
  job?: Job;
  startupTimer?: NodeJS.Timeout;
}

export class WorkflowParsePool {
  readonly size: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: ParsePoolOptions = {}) {
    this.size = options.size ?? Math.min(2, Math.max(1, availableParallelism() - 1));
    this.maxQueue = options.maxQueue ?? 32;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxHeapMb = options.maxHeapMb ?? 256;
  }

  /** Parses `source` on a worker thread. Rejects with SERVER_BUSY or WORKFLOW_PARSE_TIMEOUT. */
  /**
   * The receiver types of the loaded notifiers (the server sets them once its notifier host
   * started); a workflow naming another type gets an `unhandled-receiver` warning.
   */
  receiverTypes: readonly string[] = [];

  /** The server's orchestrator (set once it is created); see `ParseTask.orchestrator`. */
  orchestrator: TargetOrchestrator | undefined;

  parse(source: string, fileName = 'workflow.yaml'): Promise<ParsedWorkflow> {
    if (this.closed) return Promise.reject(busy('the workflow parser is shut down'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(
        busy(`${this.queue.length} workflows are waiting to be parsed; try again shortly`),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({
        task: {
          id: this.nextId++,
          source,
          fileName,
          receiverTypes: this.receiverTypes,
          ...(this.orchestrator === undefined ? {} : { orchestrator: this.orchestrator }),
        },
        resolve,
        reject,
      });
      this.dispatch();
    });
  }

  /** Stops every thread; waiting and running parses reject. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(busy('the workflow parser is shut down'));
    await Promise.all(
      [...this.slots].map((slot) => {
        this.retire(slot, busy('the workflow parser is shut down'));
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const idle = this.slots.find((s) => s.ready && s.job === undefined);
      if (idle !== undefined) {
        this.assign(idle, this.queue.shift() as Job);
        continue;
      }
      const starting = this.slots.filter((s) => !s.ready).length;
      if (this.slots.length >= this.size || starting >= this.queue.length) return;
      try {
        this.spawn();
      } catch (error) {
        (this.queue.shift() as Job).reject(
          new Error(`cannot start a workflow parser thread: ${(error as Error).message}`),
        );
      }
    }
  }

  private spawn(): void {
    const entry = workerEntry();
    const worker = new Worker(entry.url, {
      ...(entry.workerData === undefined ? {} : { workerData: entry.workerData }),
      ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb },
    });
    const slot: Slot = { worker, ready: false, dead: false };
    slot.startupTimer = setTimeout(
      () => this.kill(slot, new Error('a workflow parser thread did not start in time')),
      STARTUP_TIMEOUT_MS,
    );
    slot.startupTimer.unref();
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => this.retire(slot, error));
    worker.on('exit', (code) =>
      this.retire(slot, new Error(`a workflow parser thread stopped (exit code ${code})`)),
    );
    this.slots.push(slot);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (slot.dead) return;
    if (message.type === 'ready') {
      slot.ready = true;
      clearTimeout(slot.startupTimer);
      this.dispatch();
      return;
    }
    const job = slot.job;
    if (job === undefined || job.task.id !== message.id) return;
    slot.job = undefined;
    slot.worker.unref();
    clearTimeout(job.timer);
    if (message.type === 'parsed') job.resolve(message.result);
    else job.reject(new Error(`the workflow parser failed: ${message.message}`));
    this.dispatch();
  }

  private assign(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    job.timer = setTimeout(
      () =>
        this.kill(
          slot,
          new UserError(
            ServerErrorCode.workflowParseTimeout,
            `the workflow took longer than ${this.timeoutMs} ms to parse and was given up; ` +
              'make it smaller or simpler',
          ),
        ),
      this.timeoutMs,
    );
    slot.worker.postMessage(job.task);
  }

  private kill(slot: Slot, reason: Error): void {
    this.retire(slot, reason);
    void slot.worker.terminate();
  }

  /** Takes a thread out of the pool (once); its parse, if any, rejects with `reason`. */
  private retire(slot: Slot, reason: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.startupTimer);
    this.slots.splice(this.slots.indexOf(slot), 1);
    const job = slot.job;
    slot.job = undefined;
    if (job !== undefined) {
      clearTimeout(job.timer);
      job.reject(reason);
    } else if (!slot.ready && !this.closed) {
      // A thread that cannot start fails one waiting parse, so a broken install does not
      // respawn forever.
      this.queue.shift()?.reject(reason);
    }
    this.dispatch();
  }
}

function busy(message: string): UserError {
  return new UserError(ServerErrorCode.serverBusy, message);
}

/**
 * The worker's entry. Built code starts dist/parsing/parse.worker.js; source mode (this module is
 * TypeScript: vitest, tsx) goes through dev-worker.mjs, which loads the .ts through tsx with the
 * workspace packages resolved to their sources too.
 */
function workerEntry(): { url: URL; workerData?: { entry: string }; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      url: new URL('./dev-worker.mjs', here),
      workerData: { entry: new URL('./parse.worker.ts', here).href },
      execArgv: ['--conditions=@containerops/source'],
    };
  }
  return { url: new URL('./parse.worker.js', here) };
}

let shared: WorkflowParsePool | undefined;

/** The process's parse pool (created on first use; its idle threads never hold the process). */
export function sharedParsePool(): WorkflowParsePool {
  shared ??= new WorkflowParsePool();
  return shared;
}
