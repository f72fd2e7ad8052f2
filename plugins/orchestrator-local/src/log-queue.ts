/**
 * The lines of one job between the child's pipes and its log reader. Lines are kept as the batches
 * they arrived in (one read of a pipe: no object per line), and read either as those batches
 * (`readBatches`, what the engine uses: one await per batch) or line by line (`read`, the
 * `Orchestrator.logs` contract). Each line is delivered to exactly one reader, in arrival order
 * (so per-stream order holds).
 *
 * Flow control: while a reader is attached and more than `highWater` lines wait, the producer is
 * paused (the child then blocks on its pipe) until the reader drains to `lowWater` or below.
 * Without a reader nothing is paused: a job never blocks because nobody follows its logs; its
 * lines wait in memory for a later reader. Nothing is ever dropped.
 */
import type { LogBatch, LogChunk, LogOptions, LogStream } from '@containerops/sdk';

export interface FlowControl {
  pause(): void;
  resume(): void;
}

/** Which lines a resumed reader skips (`LogOptions.sinceTime` / `skipAtSinceTime`). */
class ResumeFilter {
  private skip: number;

  constructor(
    private readonly sinceTime: number,
    skipAtSinceTime: number,
  ) {
    this.skip = skipAtSinceTime;
  }

  /** `batch` without the lines already stored before a restart; undefined if none is left. */
  keep(batch: LogBatch): LogBatch | undefined {
    if (batch.time < this.sinceTime) return undefined;
    if (batch.time > this.sinceTime || this.skip === 0) return batch;
    const skipped = Math.min(this.skip, batch.lines.length);
    this.skip -= skipped;
    return skipped === batch.lines.length ? undefined : sliceBatch(batch, skipped);
  }
}

/** `batch` from line `from` on (its partial indexes shifted to match). */
function sliceBatch(batch: LogBatch, from: number): LogBatch {
  const { stream, time } = batch;
  const lines = batch.lines.slice(from);
  const partial = batch.partial?.filter((i) => i >= from).map((i) => i - from);
  return partial === undefined || partial.length === 0
    ? { stream, lines, time }
    : { stream, lines, time, partial };
}

export class LogQueue {
  private batches: (LogBatch | undefined)[] = [];
  private head = 0;
  /** Lines of `batches[head]` already taken by a line-by-line reader. */
  private offset = 0;
  /** Lines waiting (in `batches` from `head`, minus `offset`). */
  private waiting = 0;
  private closed = false;
  private readers = 0;
  private paused = false;
  private change: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly flow: FlowControl,
    private readonly highWater = 16_384,
    private readonly lowWater = 2_048,
  ) {}

  /**
   * Queues lines of one stream read together. `lines` is kept as given (not copied): the caller
   * hands it over. `partial`: indexes in `lines` of pieces of an over-long line.
   */
  push(
    stream: LogStream,
    lines: readonly string[],
    time: number,
    partial?: readonly number[],
  ): void {
    if (lines.length === 0) return;
    this.batches.push(
      partial === undefined || partial.length === 0
        ? { stream, lines, time }
        : { stream, lines, time, partial },
    );
    this.waiting += lines.length;
    this.notify();
    if (this.readers > 0 && !this.paused && this.waiting > this.highWater) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** No more lines will come; readers end once they have taken what is queued. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** The queued lines, batch by batch, until the job's streams close or `signal` aborts. */
  async *readBatches(options: LogOptions = {}): AsyncGenerator<LogBatch> {
    const { signal, sinceTime } = options;
    const filter =
      sinceTime === undefined
        ? undefined
        : new ResumeFilter(sinceTime, options.skipAtSinceTime ?? 0);
    const aborted = abortion(signal);
    this.readers++;
    try {
      for (;;) {
        while (this.head < this.batches.length) {
          if (signal?.aborted) return;
          const batch = filter === undefined ? this.takeBatch() : filter.keep(this.takeBatch());
          if (batch !== undefined) yield batch;
        }
        if (this.closed || signal?.aborted) return;
        await (aborted ? Promise.race([this.changed(), aborted]) : this.changed());
      }
    } finally {
      this.readers--;
      if (this.readers === 0) this.unpause();
    }
  }

  /** The queued lines one by one (see `Orchestrator.logs`); same ending as {@link readBatches}. */
  async *read(options: LogOptions = {}): AsyncGenerator<LogChunk> {
    const { signal, sinceTime } = options;
    let skip = options.skipAtSinceTime ?? 0;
    const aborted = abortion(signal);
    this.readers++;
    try {
      for (;;) {
        while (this.head < this.batches.length) {
          if (signal?.aborted) return;
          const line = this.takeLine();
          if (
            sinceTime !== undefined &&
            (line.time < sinceTime || (line.time === sinceTime && skip-- > 0))
          )
            continue;
          yield line;
        }
        if (this.closed || signal?.aborted) return;
        await (aborted ? Promise.race([this.changed(), aborted]) : this.changed());
      }
    } finally {
      this.readers--;
      if (this.readers === 0) this.unpause();
    }
  }

  /** The rest of the head batch (all of it unless a line-by-line reader took some). */
  private takeBatch(): LogBatch {
    const batch = this.batches[this.head] as LogBatch;
    const rest = this.offset === 0 ? batch : sliceBatch(batch, this.offset);
    this.advance();
    this.taken(rest.lines.length);
    return rest;
  }

  private takeLine(): LogChunk {
    const { stream, lines, time, partial } = this.batches[this.head] as LogBatch;
    const i = this.offset++;
    const text = lines[i] as string;
    if (this.offset === lines.length) this.advance();
    this.taken(1);
    return partial !== undefined && partial.includes(i)
      ? { stream, text, time, partial: true }
      : { stream, text, time };
  }

  /** Drops the head batch; now and then the consumed prefix, so memory follows what waits. */
  private advance(): void {
    this.batches[this.head++] = undefined;
    this.offset = 0;
    if (this.head >= 1024 && this.head * 2 >= this.batches.length) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
  }

  private taken(lines: number): void {
    this.waiting -= lines;
    if (this.paused && this.waiting <= this.lowWater) this.unpause();
  }

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flow.resume();
  }

  private changed(): Promise<void> {
    if (!this.change) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.change = { promise, resolve };
    }
    return this.change.promise;
  }

  private notify(): void {
    const change = this.change;
    if (change) {
      this.change = undefined;
      change.resolve();
    }
  }
}

/** A promise resolved when `signal` aborts (at once if it has); undefined without a signal. */
function abortion(signal: AbortSignal | undefined): Promise<void> | undefined {
  if (!signal) return undefined;
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
