import type { LogChunk, LogStream } from '@containerops/sdk';

const SECOND = 1000;

/**
 * How far a reader got in a container's log, enough to re-read the tail and skip exactly what
 * was already delivered. Per stream it counts complete lines by the whole second of their stamp,
 * keeping only the last few seconds (memory stays constant however long the job runs).
 *
 * Exactness rests on one property: within one stream Docker stamps and stores messages in order
 * (one copier goroutine per stream), so the lines of a stream stamped at or after a second form
 * a suffix of that stream, the same on every read. Across streams no order is assumed.
 */
export class LogProgress {
  private readonly buckets: Record<LogStream, Map<number, number>> = {
    stdout: new Map(),
    stderr: new Map(),
  };
  private readonly totals: Record<LogStream, number> = { stdout: 0, stderr: 0 };
  private latestSecond: number | undefined;

  /** Records one complete line, in stream order. */
  record(line: LogChunk): void {
    const second = Math.floor(line.time / SECOND) * SECOND;
    this.totals[line.stream] += 1;
    const buckets = this.buckets[line.stream];
    buckets.set(second, (buckets.get(second) ?? 0) + 1);
    if (this.latestSecond === undefined || second > this.latestSecond) {
      this.latestSecond = second;
      // Keep the two seconds before the latest: `cutoff()` never reaches further back.
      for (const stream of ['stdout', 'stderr'] as const) {
        for (const key of this.buckets[stream].keys()) {
          if (key < second - 2 * SECOND) this.buckets[stream].delete(key);
        }
      }
    }
  }

  /**
   * Where to re-read from (ms, a whole second) and how many lines of each stream to skip there.
   * The cutoff is one second before the second of the latest line, so a line of the other stream
   * stamped a hair earlier but stored later is still inside. `pendingTime` (the start of a line
   * begun but not completed) moves it back when older; if that leaves the kept window, the whole
   * log is re-read from `fallbackSince` and every delivered line skipped. The cutoff never goes
   * before `fallbackSince` (the `since` of the first read, in seconds).
   */
  cutoff(
    pendingTime: number | undefined,
    fallbackSince: number | undefined,
  ): { sinceSeconds: number | undefined; skip: Record<LogStream, number> } {
    if (this.latestSecond === undefined) {
      return { sinceSeconds: fallbackSince, skip: { stdout: 0, stderr: 0 } };
    }
    let cutoff = this.latestSecond - SECOND;
    if (pendingTime !== undefined) {
      const pendingSecond = Math.floor(pendingTime / SECOND) * SECOND;
      if (pendingSecond < this.latestSecond - 2 * SECOND) {
        return { sinceSeconds: fallbackSince, skip: { ...this.totals } };
      }
      cutoff = Math.min(cutoff, pendingSecond);
    }
    // Lines before the first read's `since` were never delivered nor counted: stay after it.
    if (fallbackSince !== undefined) cutoff = Math.max(cutoff, fallbackSince * SECOND);
    const count = (stream: LogStream): number => {
      let sum = 0;
      for (const [second, n] of this.buckets[stream]) if (second >= cutoff) sum += n;
      return sum;
    };
    return {
      sinceSeconds: cutoff / SECOND,
      skip: { stdout: count('stdout'), stderr: count('stderr') },
    };
  }
}
