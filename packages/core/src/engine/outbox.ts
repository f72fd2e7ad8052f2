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
 *
 * Live-only events (`NewEngineEvent.liveOnly`: fan-out instance transitions) take the same pipe,
 * in order, but are never appended: observers get them numbered with their run's latest stored
 * `seq`.
 *
 * When the store fails (disk full, database down) nothing is dropped quietly:
 * - Status events are never given up. A failing append is retried with growing delays (at most
 *   {@link MAX_RETRY_DELAY_MS} apart) until it succeeds; later items wait behind it, so order
 *   holds and `flushed()` waits too (back-pressure: a run does not end before its events are
 *   stored). Each failure and the recovery are reported through `onStoreProblem`.
 * - Log lines may be given up, loudly: a batch the log sink still refuses after the retries is
 *   counted per job attempt, reported through `onStoreProblem`, and the attempt's next result
 *   event (its end, or its retry wait) is stored with `data.logTruncated` (cause `storage`). While
 *   the store is failing, at most {@link MAX_QUEUED_LINES_WHILE_FAILING} lines wait in memory;
 *   later ones are given up the same way.
 */
import { ContainerOpsError } from '../errors.js';
import type { EngineObserver } from './api.js';
import type { EngineEvent, JobLogLine, NewEngineEvent } from './events.js';
import type { LogTruncation } from './snapshot.js';
import { isTerminal } from './status.js';
import type { LogSink, RunStore } from './store.js';

/** Events have `scope`, lines `jobPath`: told apart without a wrapper object per item. */
type Item = NewEngineEvent | JobLogLine;

function isEvent(item: Item): item is NewEngineEvent {
  return 'scope' in item;
}

function isLiveOnly(item: Item): boolean {
  return isEvent(item) && item.liveOnly === true;
}

function isStoredEvent(item: Item): boolean {
  return isEvent(item) && item.liveOnly !== true;
}

const NO_EVENTS: readonly EngineEvent[] = [];

/** Delays between retries of a failed store append (lines are given up after the last one). */
const RETRY_DELAYS_MS = [10, 100, 1000] as const;
/** Events are retried for ever; the delay grows to this and stays there. */
export const MAX_RETRY_DELAY_MS = 2000;
/** While the store fails, lines beyond this many waiting in memory are given up (and counted). */
export const MAX_QUEUED_LINES_WHILE_FAILING = 20_000;

/** A store failure the outbox met (see the class comment); `recovered` once appends work again. */
export type StoreProblem =
  | {
      readonly kind: 'events';
      readonly error: unknown;
      /** Consecutive failures of this batch so far; it is retried. */
      readonly failures: number;
    }
  | {
      readonly kind: 'lines';
      readonly error: unknown;
      /** Lines given up by this failure (counted on their job attempts). */
      readonly droppedLines: number;
    }
  | { readonly kind: 'recovered'; readonly what: 'events' | 'lines' };

export interface OutboxOptions {
  readonly store: RunStore;
  readonly logs: LogSink;
  /** Called with every numbered batch before observers see it (to update snapshots' lastSeq). */
  readonly onAppended?: (events: readonly EngineEvent[]) => void;
  /** Delays between retries of a failed append (default 10/100/1000 ms; events go on retrying). */
  readonly retryDelaysMs?: readonly number[];
  /** Told of every store failure and recovery (the host logs it and reports itself not ready). */
  readonly onStoreProblem?: (problem: StoreProblem) => void;
  /** Told when lines of a job attempt were given up, with what its result event now carries. */
  readonly onLogTruncated?: (runId: string, jobPath: string, truncation: LogTruncation) => void;
}

/** Lines given up for one job attempt, until its next result event carries them. */
interface LostLines {
  count: number;
  reason: string;
}

function attemptKey(runId: string, jobPath: string, attempt: number): string {
  return `${runId}\u0000${jobPath}\u0000${attempt}`;
}

export class Outbox {
  private queue: Item[] = [];
  private queuedLines = 0;
  private readonly observers = new Set<EngineObserver>();
  private flushing = false;
  /** The flush waiting for the next event-loop turn, until it starts. */
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private enqueued = 0;
  private delivered = 0;
  private waiters: { readonly mark: number; readonly resolve: () => void }[] = [];
  /** The latest stored seq of each unfinished run: what its live-only events are numbered. */
  private readonly lastSeqOfRun = new Map<string, number>();
  /** Lines given up per job attempt, not yet reported on a stored event. */
  private readonly lostLines = new Map<string, LostLines>();
  private eventsFailing = false;
  private linesFailing = false;
  /** Totals since start: lines given up, events stored late (after at least one failure). */
  readonly stats = { droppedLines: 0, eventRetries: 0 };

  constructor(private readonly options: OutboxOptions) {}

  /** True while the store or the log sink refuses appends (events wait, lines may be given up). */
  get failing(): boolean {
    return this.eventsFailing || this.linesFailing;
  }

  /** Queues a status event; the store numbers it. */
  emit(event: NewEngineEvent): void {
    this.push(event);
  }

  /** Queues a log line (already masked and numbered per attempt). */
  log(line: JobLogLine): void {
    if (this.failing && this.queuedLines >= MAX_QUEUED_LINES_WHILE_FAILING) {
      this.loseLines([line], 'the log store is failing and too many lines are waiting');
      return;
    }
    this.queuedLines++;
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
      const taken = this.queue;
      this.queue = [];
      const lines: JobLogLine[] = [];
      for (const item of taken) if (!isEvent(item)) lines.push(item);
      this.queuedLines -= lines.length;
      // Lines first: a job's result event in this batch must say whether its lines were stored.
      if (lines.length > 0) await this.appendLines(lines);
      const batch = this.lostLines.size === 0 ? taken : taken.map((i) => this.markTruncated(i));
      // Live-only events (fan-out instances) are not stored. Observers and the store's own feed
      // (a host publishes what the store commits) must see every event in emission order, so
      // the batch goes out in segments: the live-only events and lines before a segment's first
      // stored event are delivered, then its stored events are appended and delivered with the
      // lines between them. A segment ends where a live-only event follows a stored one.
      let start = 0;
      while (start < batch.length) {
        let firstStored = start;
        while (firstStored < batch.length && !isStoredEvent(batch[firstStored] as Item))
          firstStored++;
        let end = firstStored;
        while (end < batch.length && !isLiveOnly(batch[end] as Item)) end++;
        this.deliver(batch, start, firstStored, NO_EVENTS);
        if (firstStored < end) {
          const events: NewEngineEvent[] = [];
          for (let i = firstStored; i < end; i++) {
            const item = batch[i] as Item;
            if (isEvent(item)) events.push(item);
          }
          const numbered = await this.appendEvents(events);
          if (numbered.length > 0) this.options.onAppended?.(numbered);
          this.deliver(batch, firstStored, end, numbered);
        }
        start = end;
      }
      this.delivered += batch.length;
      this.release();
    }
    this.flushing = false;
  }

  /** Delivers `batch[from, to)`; its stored events are `numbered`, in order. */
  private deliver(
    batch: readonly Item[],
    from: number,
    to: number,
    numbered: readonly EngineEvent[],
  ): void {
    let next = 0;
    for (let i = from; i < to; i++) {
      const item = batch[i] as Item;
      if (!isEvent(item)) {
        for (const o of this.observers) safely(() => o.onLog?.(item));
        continue;
      }
      let event: EngineEvent | undefined;
      if (item.liveOnly === true) {
        // Numbered after the run's latest stored event: ordered against the store, not unique.
        event = { ...item, seq: this.lastSeqOfRun.get(item.runId) ?? 0 };
      } else {
        event = numbered[next++];
        if (event === undefined) continue;
        if (event.scope === 'run' && isTerminal(event.status))
          this.lastSeqOfRun.delete(event.runId);
        else this.lastSeqOfRun.set(event.runId, event.seq);
      }
      for (const o of this.observers) safely(() => o.onEvent?.(event));
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

  private delay(failures: number): number {
    const delays = this.options.retryDelaysMs ?? RETRY_DELAYS_MS;
    return delays[failures - 1] ?? Math.min(MAX_RETRY_DELAY_MS, delays[delays.length - 1] ?? 0);
  }

  /** Appends events, retrying until the store takes them: events are never given up. */
  private async appendEvents(events: NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    for (let failures = 0; ;) {
      try {
        const numbered = await this.options.store.appendEvents(events);
        if (this.eventsFailing) {
          this.eventsFailing = false;
          this.report({ kind: 'recovered', what: 'events' });
        }
        return numbered;
      } catch (error) {
        failures++;
        this.stats.eventRetries++;
        this.eventsFailing = true;
        this.report({ kind: 'events', error, failures });
        await sleep(this.delay(failures));
      }
    }
  }

  /**
   * Appends lines, retrying a few times; then gives them up, counted on their attempts. While the
   * sink is known to fail, a batch is tried once (no delays: events behind it are waiting).
   */
  private async appendLines(lines: JobLogLine[]): Promise<void> {
    const retries = this.linesFailing ? 0 : (this.options.retryDelaysMs ?? RETRY_DELAYS_MS).length;
    for (let failures = 0; ;) {
      try {
        await this.options.logs.append(lines);
        if (this.linesFailing) {
          this.linesFailing = false;
          this.report({ kind: 'recovered', what: 'lines' });
        }
        return;
      } catch (error) {
        failures++;
        if (failures > retries) {
          this.linesFailing = true;
          this.loseLines(lines, refusal(error));
          this.report({ kind: 'lines', error, droppedLines: lines.length });
          return;
        }
        await sleep(this.delay(failures));
      }
    }
  }

  private loseLines(lines: readonly JobLogLine[], reason: string): void {
    this.stats.droppedLines += lines.length;
    for (const line of lines) {
      const key = attemptKey(line.runId, line.jobPath, line.attempt);
      const lost = this.lostLines.get(key);
      if (lost === undefined) this.lostLines.set(key, { count: 1, reason });
      else lost.count++;
    }
  }

  /** The item; a job result whose attempt lost lines gets `data.logTruncated`. */
  private markTruncated(item: Item): Item {
    if (!isEvent(item)) return item;
    const event = item;
    if (event.scope !== 'job' || event.attempt === undefined) return event;
    if (event.status !== 'waiting' && !isTerminal(event.status)) return event;
    const key = attemptKey(event.runId, event.path, event.attempt);
    const lost = this.lostLines.get(key);
    if (lost === undefined) return event;
    this.lostLines.delete(key);
    const limit = event.data?.['logTruncated'] as LogTruncation | undefined;
    const droppedLines = lost.count + (limit?.droppedLines ?? 0);
    const truncation: LogTruncation = {
      cause: 'storage',
      attempt: event.attempt,
      message:
        `log incomplete: ${lost.count} line(s) of attempt ${event.attempt} were not stored ` +
        `because ${lost.reason}` +
        (limit === undefined ? '' : `; besides, ${limit.message}`),
      ...(limit?.storedBytes === undefined ? {} : { storedBytes: limit.storedBytes }),
      ...(limit?.limitBytes === undefined ? {} : { limitBytes: limit.limitBytes }),
      droppedLines,
    };
    this.options.onLogTruncated?.(event.runId, event.path, truncation);
    return { ...event, data: { ...event.data, logTruncated: truncation } };
  }

  private report(problem: StoreProblem): void {
    safely(() => this.options.onStoreProblem?.(problem));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Why lines were refused, for the job's marker, which every viewer of the run reads: the error's
 * code and whether storage is full, never its message (it can name hosts and paths; the host logs
 * it in full through `onStoreProblem`).
 */
function refusal(error: unknown): string {
  const code = error instanceof ContainerOpsError ? error.code : 'an error';
  const full = error instanceof Error && /disk is full|no space left/i.test(fullMessage(error));
  return `the log store refused them (${code}${full ? ': storage full' : ''})`;
}

/** The message of `error` and of its causes. */
function fullMessage(error: Error): string {
  let text = error.message;
  let cause: unknown = error.cause;
  for (let i = 0; i < 4 && cause instanceof Error; i++, cause = cause.cause)
    text += ` ${cause.message}`;
  return text;
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // An observer's bug must not stop the engine or other observers.
  }
}
