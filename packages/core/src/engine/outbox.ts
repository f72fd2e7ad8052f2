/**
 * The engine's single ordered pipe to the outside: status events and job log lines go in, in
 * the order they happen; they come out appended to the {@link RunStore} / {@link LogSink} in
 * batches, then delivered to observers in that same order. One pipe for both keeps a job's
 * `running` event before its first line and its terminal event after its last line.
 *
 * Batching is self-tuning: while one batch is being appended, new items accumulate and go out
 * together in the next one, so a busy engine makes few store calls. A flush starts on the next
 * event-loop turn (`setImmediate`, no timer), so an idle engine adds no delay, and whatever the
 * engine does synchronously after an emit, typically starting the next job, is not held up by
 * store appends and observers: they run while that job runs. A caller that must wait for the
 * store ({@link Outbox.flushed}) starts the flush at once instead.
 */
import type { EngineObserver } from './api.js';
import type { EngineEvent, JobLogLine, NewEngineEvent } from './events.js';
import type { LogSink, RunStore } from './store.js';

/** Events have `scope`, lines `jobPath`: told apart without a wrapper object per item. */
type Item = NewEngineEvent | JobLogLine;

function isEvent(item: Item): item is NewEngineEvent {
  return 'scope' in item;
}

const NO_EVENTS: readonly EngineEvent[] = [];

/** Delays between retries of a failed store append before the batch is given up. */
const RETRY_DELAYS_MS = [10, 100, 1000] as const;

export interface OutboxOptions {
  readonly store: RunStore;
  readonly logs: LogSink;
  /** Called with every numbered batch before observers see it (to update snapshots' lastSeq). */
  readonly onAppended?: (events: readonly EngineEvent[]) => void;
  /** Delays between retries of a failed append before the batch is given up (default 10/100/1000 ms). */
  readonly retryDelaysMs?: readonly number[];
}

export class Outbox {
  private queue: Item[] = [];
  private readonly observers = new Set<EngineObserver>();
  private flushing = false;
  /** The flush waiting for the next event-loop turn, until it starts. */
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private enqueued = 0;
  private delivered = 0;
  private waiters: { readonly mark: number; readonly resolve: () => void }[] = [];
  /** Events and lines that could not be stored after retries (the store is failing). */
  lost = { events: 0, lines: 0 };

  constructor(private readonly options: OutboxOptions) {}

  /** Queues a status event; the store numbers it. */
  emit(event: NewEngineEvent): void {
    this.push(event);
  }

  /** Queues a log line (already masked and numbered per attempt). */
  log(line: JobLogLine): void {
    this.push(line);
  }

  /** Adds a live observer; returns its removal. Observer exceptions are swallowed. */
  observe(observer: EngineObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * Resolves once everything queued before this call has been stored and delivered. A flush still
   * waiting for the next event-loop turn starts now: the caller is waiting for it.
   */
  flushed(): Promise<void> {
    if (this.delivered >= this.enqueued) return Promise.resolve();
    const waiting = new Promise<void>((resolve) =>
      this.waiters.push({ mark: this.enqueued, resolve }),
    );
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.startFlush();
    }
    return waiting;
  }

  /**
   * Like {@link flushed}, but a flush waiting for the next event-loop turn keeps waiting: for callers
   * that must not hold up what the engine does synchronously next (a finished job's backend object
   * is released once its result is stored, while the next job already starts).
   */
  stored(): Promise<void> {
    if (this.delivered >= this.enqueued) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ mark: this.enqueued, resolve }));
  }

  private push(item: Item): void {
    this.queue.push(item);
    this.enqueued++;
    if (!this.flushing) {
      this.flushing = true;
      this.scheduled = setImmediate(this.startFlush);
    }
  }

  private readonly startFlush = (): void => {
    this.scheduled = undefined;
    void this.flush();
  };

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const events: NewEngineEvent[] = [];
      const lines: JobLogLine[] = [];
      for (const item of batch) {
        if (isEvent(item)) events.push(item);
        else lines.push(item);
      }
      // Lines and events are appended concurrently; no Promise.all and destructuring (this runs
      // for every batch: a job's events often make a batch of their own).
      const linesStored = lines.length === 0 ? undefined : this.appendLines(lines);
      const numbered = events.length === 0 ? NO_EVENTS : await this.appendEvents(events);
      if (linesStored !== undefined) await linesStored;
      if (numbered.length > 0) this.options.onAppended?.(numbered);
      this.deliver(batch, numbered);
      this.delivered += batch.length;
      this.release();
    }
    this.flushing = false;
  }

  private deliver(batch: readonly Item[], numbered: readonly EngineEvent[]): void {
    if (this.observers.size === 0) return;
    const observers = [...this.observers];
    let next = 0;
    for (const item of batch) {
      if (isEvent(item)) {
        const event = numbered[next++];
        if (event === undefined) continue; // lost: the store refused it
        for (const o of observers) safely(() => o.onEvent?.(event));
      } else {
        for (const o of observers) safely(() => o.onLog?.(item));
      }
    }
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.mark <= this.delivered) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private async retry<T>(call: () => Promise<T>): Promise<T | undefined> {
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    for (let i = 0; ; i++) {
      try {
        return await call();
      } catch {
        const delay = delays[i];
        if (delay === undefined) return undefined;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async appendEvents(events: NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    const result = await this.retry(() => this.options.store.appendEvents(events));
    if (result === undefined) {
      this.lost.events += events.length;
      return [];
    }
    return result;
  }

  private async appendLines(lines: JobLogLine[]): Promise<void> {
    const ok = await this.retry(async () => {
      await this.options.logs.append(lines);
      return true;
    });
    if (ok === undefined) this.lost.lines += lines.length;
  }
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // An observer's bug must not stop the engine or other observers.
  }
}
