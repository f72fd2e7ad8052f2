/**
 * Back-pressure from the log store to a job's log reader, without an await per line: the reader
 * reports the lines it handed to the outbox, and every `window` lines it takes a mark (the
 * outbox's `stored()`) and waits for the mark taken one window earlier. While the store keeps up
 * that mark has long been reached and nothing waits; when the store is slower than the job, the
 * reader stays within about two windows of it, the orchestrator's own queue fills, and the
 * backend pauses the job's output (the job then blocks on its pipe). Nothing is dropped here: a
 * failing store is the outbox's business (see `Outbox`).
 */
import type { Outbox } from './outbox.js';

/** Lines between two marks: a few store batches' worth, far below the outbox's failing cap. */
export const BACKPRESSURE_WINDOW_LINES = 8192;

/** See the module comment. One per log reader (one job attempt). */
export class StoreBackpressure {
  private sinceMark = 0;
  private mark: Promise<void> | undefined;

  constructor(
    private readonly outbox: Pick<Outbox, 'stored'>,
    private readonly window = BACKPRESSURE_WINDOW_LINES,
  ) {}

  /**
   * Counts `lines` more lines handed to the outbox. Returns what the reader must await before
   * reading on, or undefined (the usual case) when it may go on at once.
   */
  wrote(lines: number): Promise<void> | undefined {
    this.sinceMark += lines;
    if (this.sinceMark < this.window) return undefined;
    this.sinceMark = 0;
    const previous = this.mark;
    this.mark = this.outbox.stored();
    return previous;
  }
}
