/**
 * The lines of one job between the child's pipes and `logs()` readers. Each line is delivered to
 * exactly one reader, in arrival order (so per-stream order holds). While a reader is attached and
 * more than `highWater` lines wait, the producer is paused (the child then blocks on its pipe)
 * until the reader drains below `lowWater`. Without a reader nothing is paused: a job never
 * blocks because nobody follows its logs; its lines wait in memory for a later reader.
 */
import type { LogChunk, LogOptions, LogStream } from '@containerops/sdk';

export interface FlowControl {
  pause(): void;
  resume(): void;
}

export class LogQueue {
  private items: (LogChunk | undefined)[] = [];
  private head = 0;
  private closed = false;
  private readers = 0;
  private paused = false;
  private change: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(
    private readonly flow: FlowControl,
    private readonly highWater = 16_384,
    private readonly lowWater = 2_048,
  ) {}

  /** `partial`: indexes in `lines` of pieces of an over-long line (`LogChunk.partial`). */
  push(
    stream: LogStream,
    lines: readonly string[],
    time: number,
    partial?: readonly number[],
  ): void {
    if (lines.length === 0) return;
    for (const text of lines) this.items.push({ stream, text, time });
    if (partial !== undefined) {
      const first = this.items.length - lines.length;
      for (const i of partial)
        this.items[first + i] = { stream, text: lines[i] ?? '', time, partial: true };
    }
    this.notify();
    if (this.readers > 0 && !this.paused && this.items.length - this.head > this.highWater) {
      this.paused = true;
      this.flow.pause();
    }
  }

  /** No more lines will come; readers end once they have taken what is queued. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  async *read(options: LogOptions = {}): AsyncGenerator<LogChunk> {
    const { signal, sinceTime } = options;
    let skip = options.skipAtSinceTime ?? 0;
    let aborted: Promise<void> | undefined;
    if (signal) {
      aborted = new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    this.readers++;
    try {
      for (;;) {
        while (this.head < this.items.length) {
          if (signal?.aborted) return;
          const line = this.take();
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

  private take(): LogChunk {
    const line = this.items[this.head] as LogChunk;
    this.items[this.head++] = undefined;
    // Drop the consumed prefix now and then, so memory follows what is still queued.
    if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.paused && this.items.length - this.head <= this.lowWater) this.unpause();
    return line;
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
