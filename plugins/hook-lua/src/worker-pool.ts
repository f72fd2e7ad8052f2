/**
 * A small pool of hook worker threads. Hooks run off the engine's event loop, one per worker at a
 * time, FIFO when all are busy. A worker that overruns its wall time, runs out of heap, crashes,
 * or runs an aborted hook is terminated; the next hook that needs a worker starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { formatBytes, maxLuaStackSlots } from './limits.js';
import type { HookOutcome, HookRequest, WorkerMessage, WorkerTask } from './protocol.js';

/** Settings fixed for the pool's lifetime. */
export interface WorkerPoolOptions {
  /** Most workers alive at once (= hooks running in parallel). */
  readonly size: number;
  /** The hooks' memory bound; each worker's V8 heap is capped at this plus {@link heapHeadroomMb}. */
  readonly memoryBytes: number;
}

/** Per-run settings. */
export interface PoolRunOptions {
  readonly wallTimeMs: number;
  readonly signal: AbortSignal;
  /** Receives the hook's log lines, on this thread, in order, only until the run's promise settles. */
  log(text: string): void;
}

/** Heap for the worker itself (fengari, our code; tsx in source mode) on top of the hooks' bound. */
const heapHeadroomMb = 64;
/** How long a new worker may take to load before it counts as failed. */
const startupTimeoutMs = 30_000;

interface Task {
  readonly id: number;
  readonly request: HookRequest;
  readonly options: PoolRunOptions;
  readonly resolve: (outcome: HookOutcome) => void;
  readonly onAbort: () => void;
  slot?: Slot;
  timer?: NodeJS.Timeout;
}

interface Slot {
  readonly worker: Worker;
  ready: boolean;
  dead: boolean;
  task?: Task;
  crash?: Error;
  startupTimer?: NodeJS.Timeout;
}

/**
 * Runs hook requests on worker threads. `run` never rejects: failures of the worker (wall time,
 * heap, crash, abort, closed pool) resolve as `{ error }`. `close` is idempotent.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  run(request: HookRequest, options: PoolRunOptions): Promise<HookOutcome> {
    if (this.closed) return Promise.resolve({ error: 'the hook runner is closed' });
    if (options.signal.aborted) return Promise.resolve({ error: 'aborted' });
    return new Promise((resolve) => {
      const task: Task = {
        id: this.nextId++,
        request,
        options,
        resolve,
        onAbort: () => this.abort(task),
      };
      options.signal.addEventListener('abort', task.onAbort, { once: true });
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Stops every worker; queued and running hooks resolve with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      this.finish(task, { error: 'the hook runner was closed' });
    const stopping = [...this.slots].map((slot) => {
      this.retire(slot, 'the hook runner was closed');
      return slot.worker.terminate();
    });
    await Promise.all(stopping);
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      const idle = this.slots.find((slot) => slot.ready && slot.task === undefined);
      if (idle !== undefined) {
        this.assign(idle, this.queue.shift() as Task);
        continue;
      }
      const starting = this.slots.filter((slot) => !slot.ready).length;
      if (this.slots.length >= this.options.size || starting >= this.queue.length) return;
      try {
        this.spawn();
      } catch (error) {
        // `run` must not reject: the hook that asked for the worker fails instead.
        const detail = error instanceof Error ? error.message : String(error);
        this.finish(this.queue.shift() as Task, {
          error: `could not start the Lua worker: ${detail}`,
        });
      }
    }
  }

  private spawn(): void {
    const entry = workerEntry();
    const worker = new Worker(entry.url, {
      workerData: entry.workerData,
      resourceLimits: {
        maxOldGenerationSizeMb: Math.ceil(this.options.memoryBytes / 2 ** 20) + heapHeadroomMb,
      },
      // The worker sees no variable of ours; fengari reads its stack size from this one.
      env: { FENGARICONF: JSON.stringify({ LUAI_MAXSTACK: maxLuaStackSlots }) },
    });
    const slot: Slot = { worker, ready: false, dead: false };
    slot.startupTimer = setTimeout(
      () => this.kill(slot, `could not start the Lua worker within ${startupTimeoutMs} ms`),
      startupTimeoutMs,
    );
    worker.unref();
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => {
      slot.crash = error;
    });
    worker.on('exit', (code) => this.retire(slot, this.crashReason(slot, code)));
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
    const task = slot.task;
    if (task === undefined || task.id !== message.id) return;
    if (message.type === 'log') {
      safeLog(task, message.text);
      return;
    }
    slot.task = undefined;
    slot.worker.unref();
    this.finish(task, message.outcome);
    this.dispatch();
  }

  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    task.slot = slot;
    slot.worker.ref();
    // The worker stops the script itself at wallTimeMs; this kill is for code that never returns
    // to the VM (a pathological pattern match, a huge JS-side allocation).
    const killAfter = task.options.wallTimeMs + 250 + Math.ceil(task.options.wallTimeMs / 10);
    task.timer = setTimeout(
      () =>
        this.kill(
          slot,
          `wall time limit exceeded (${task.options.wallTimeMs} ms); the hook was stopped`,
        ),
      killAfter,
    );
    const message: WorkerTask = { id: task.id, request: task.request };
    slot.worker.postMessage(message);
  }

  private abort(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(task, { error: 'aborted' });
    } else if (task.slot !== undefined && task.slot.task === task) {
      this.kill(task.slot, 'aborted');
    }
  }

  private kill(slot: Slot, reason: string): void {
    this.retire(slot, reason);
    void slot.worker.terminate();
  }

  /** Takes a worker out of the pool (once); its hook, if any, resolves with `reason`. */
  private retire(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.startupTimer);
    this.slots.splice(this.slots.indexOf(slot), 1);
    const task = slot.task;
    slot.task = undefined;
    if (task !== undefined) {
      this.finish(task, { error: reason });
    } else if (!slot.ready && !this.closed) {
      // A worker that cannot start takes one waiting hook down with it, so a broken install
      // fails hooks one by one instead of respawning forever.
      const waiting = this.queue.shift();
      if (waiting !== undefined) this.finish(waiting, { error: reason });
    }
    this.dispatch();
  }

  private finish(task: Task, outcome: HookOutcome): void {
    clearTimeout(task.timer);
    task.options.signal.removeEventListener('abort', task.onAbort);
    task.resolve(outcome);
  }

  private crashReason(slot: Slot, code: number): string {
    const crash = slot.crash as (Error & { code?: string }) | undefined;
    if (crash?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return `memory limit exceeded (${formatBytes(this.options.memoryBytes)}): the hook's worker ran out of heap and was replaced`;
    }
    const detail = crash !== undefined ? crash.message : `exit code ${code}`;
    return slot.ready
      ? `the hook's worker stopped unexpectedly: ${detail}`
      : `could not start the Lua worker: ${detail}`;
  }
}

function safeLog(task: Task, text: string): void {
  try {
    task.options.log(text);
  } catch {
    // A failing log sink must not take the hook down; the engine reports its own sink errors.
  }
}

/**
 * The worker's entry file. Built code starts dist/lua.worker.js; source mode (this module is
 * TypeScript, as under vitest or tsx) goes through dev-worker.mjs, which loads the .ts via tsx.
 */
function workerEntry(): { url: URL; workerData?: { entry: string } } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      url: new URL('./dev-worker.mjs', here),
      workerData: { entry: new URL('./lua.worker.ts', here).href },
    };
  }
  return { url: new URL('./lua.worker.js', here) };
}
