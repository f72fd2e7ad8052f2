/**
 * Where a log read resumes, so that every line is given exactly once across reconnects: the last
 * stamp given and how many pieces carried it. The API server's `sinceTime` is whole seconds, so a
 * resumed read starts at the second of the last stamp and this filter drops what was given.
 * The engine's own resume point (`LogOptions.sinceTime` in ms + `skipAtSinceTime`) is applied the
 * same way, at millisecond precision.
 */
import type { StampedLine } from './log-lines.js';

export class ResumePoint {
  private lastStamp: string | undefined;
  private atLast = 0;
  private seenAtLast = 0;
  private skipMs: { time: number; count: number } | undefined;

  constructor(sinceTime?: number, skipAtSinceTime = 0) {
    if (sinceTime !== undefined) this.skipMs = { time: sinceTime, count: skipAtSinceTime };
  }

  /** The stamp to resume from, if any line was given. */
  get stamp(): string | undefined {
    return this.lastStamp;
  }

  /** The engine's resume time, as ms, when no line has been given yet. */
  get engineSince(): number | undefined {
    return this.lastStamp === undefined ? this.skipMs?.time : undefined;
  }

  /** Call before each new read: counting of already-given pieces at the last stamp restarts. */
  restart(): void {
    this.seenAtLast = 0;
  }

  /**
   * The engine's resume point alone, by the line's time: false for lines it already stored. Used
   * on the merged output of both streams, where stamps alone say nothing about order.
   */
  acceptEngine(time: number): boolean {
    if (this.skipMs === undefined) return true;
    if (time > this.skipMs.time) {
      this.skipMs = undefined;
      return true;
    }
    if (time < this.skipMs.time) return false;
    if (this.skipMs.count > 0) {
      this.skipMs = { time: this.skipMs.time, count: this.skipMs.count - 1 };
      return false;
    }
    return true;
  }

  /** True when `line` is new (and records it as given); false when it was given before. */
  accept(line: StampedLine): boolean {
    if (this.skipMs !== undefined) {
      if (line.time > this.skipMs.time) this.skipMs = undefined;
      else if (line.time < this.skipMs.time) return false;
      else if (this.skipMs.count > 0) {
        this.skipMs = { time: this.skipMs.time, count: this.skipMs.count - 1 };
        return false;
      }
    }
    if (line.stamp === '') return true;
    if (this.lastStamp !== undefined) {
      if (line.stamp < this.lastStamp) return false;
      if (line.stamp === this.lastStamp) {
        this.seenAtLast += 1;
        if (this.seenAtLast <= this.atLast) return false;
        this.atLast += 1;
        return true;
      }
    }
    this.lastStamp = line.stamp;
    this.atLast = 1;
    this.seenAtLast = 1;
    return true;
  }
}
