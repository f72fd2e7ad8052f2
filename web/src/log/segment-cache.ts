/**
 * A small least-recently-used cache of parsed ANSI lines for the log viewer: only lines that
 * scroll into view are parsed, and scrolling back and forth does not parse them again. Bounded,
 * so a 200,000-line log never holds more than `capacity` parsed lines.
 */
import { parseAnsi } from './ansi.js';
import type { AnsiSegment } from './ansi.js';

export class SegmentCache {
  private readonly entries = new Map<number, readonly AnsiSegment[]>();

  constructor(private readonly capacity = 512) {}

  /** The segments of line `index` (text `text`), parsed on first use. */
  get(index: number, text: string): readonly AnsiSegment[] {
    const hit = this.entries.get(index);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(index);
      this.entries.set(index, hit);
      return hit;
    }
    const parsed = parseAnsi(text);
    this.entries.set(index, parsed);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return parsed;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
