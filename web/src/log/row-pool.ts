/**
 * The log viewer's rows: a fixed pool of row elements recycled while scrolling, written to the
 * DOM directly (no Vue vnodes, no keyed list churn). Line `i` always lands in row `i % size`, so
 * a small scroll only refills the rows that came into view; rows are placed with `transform`
 * (no layout of the others). A line without escape codes is one `textContent` write; coloured
 * lines are parsed lazily through a small LRU (`SegmentCache`).
 */
import type { AnsiSegment } from './ansi.js';
import { SegmentCache } from './segment-cache.js';

/** What the pool reads from a log: the texts and each line's stream. */
export interface RowSource {
  readonly length: number;
  readonly texts: readonly string[];
  stream(index: number): string;
  /** When line `index` was written (epoch ms; NaN when unknown). */
  time?(index: number): number;
}

/** Highlighting: search hits and the current hit. */
export interface RowMarks {
  readonly hits: ReadonlySet<number>;
  readonly current: number;
}

/** The lines to draw for a scroll position: `first` inclusive, `last` exclusive. */
export function lineWindow(
  scrollTop: number,
  size: number,
  total: number,
  lineHeight: number,
  overscan: number,
): { first: number; last: number } {
  const first = Math.max(0, Math.min(Math.floor(scrollTop / lineHeight) - overscan, total - size));
  return { first, last: Math.min(total, first + size) };
}

const ESC = '\u001b';

export class RowPool {
  private rows: HTMLDivElement[] = [];
  private numbers: HTMLSpanElement[] = [];
  private bodies: HTMLSpanElement[] = [];
  private clocks: HTMLSpanElement[] = [];
  private elapsed: HTMLSpanElement[] = [];
  /** Whether rows show their time of day and the time since the log's first line. */
  private showTimes = false;
  /** Line index each row shows (−1: hidden). */
  private shown = new Int32Array(0);
  /** Last class code per row: stream × 4 + hit × 2 + current (−1: unset). */
  private marks = new Int16Array(0);
  private readonly segments = new SegmentCache();

  constructor(
    private readonly host: HTMLElement,
    private readonly lineHeight: number,
  ) {}

  get size(): number {
    return this.rows.length;
  }

  /** Grows or shrinks the pool to `size` rows (on mount and when the viewer is resized). */
  resize(size: number): void {
    if (size === this.rows.length) return;
    while (this.rows.length < size) {
      const row = document.createElement('div');
      const number = document.createElement('span');
      const clock = document.createElement('span');
      const elapsed = document.createElement('span');
      const body = document.createElement('span');
      number.className = 'ln';
      clock.className = 'ts';
      elapsed.className = 'elapsed';
      row.className = 'line';
      row.hidden = true;
      row.append(number, clock, elapsed, body);
      this.host.append(row);
      this.rows.push(row);
      this.numbers.push(number);
      this.clocks.push(clock);
      this.elapsed.push(elapsed);
      this.bodies.push(body);
    }
    for (const row of this.rows.splice(size)) row.remove();
    this.numbers.length = size;
    this.clocks.length = size;
    this.elapsed.length = size;
    this.bodies.length = size;
    this.shown = new Int32Array(size).fill(-1);
    this.marks = new Int16Array(size).fill(-1);
    for (const row of this.rows) row.hidden = true;
  }

  /** Draws lines [first, last) (at most `size` of them); hides the other rows. */
  render(source: RowSource, first: number, last: number, marks: RowMarks): void {
    const size = this.rows.length;
    if (size === 0) return;
    for (let slot = 0; slot < size; slot++) {
      const row = this.rows[slot]!;
      const index = first + ((slot - (first % size) + size) % size);
      if (index >= last) {
        if (this.shown[slot] !== -1) {
          this.shown[slot] = -1;
          row.hidden = true;
        }
        continue;
      }
      const stream = source.stream(index);
      if (this.shown[slot] !== index) {
        this.fill(slot, index, source.texts[index] ?? '');
        if (this.showTimes) this.fillTimes(slot, source, index);
        this.marks[slot] = -1;
      }
      const code =
        (stream === 'STDERR' ? 4 : stream === 'SYSTEM' ? 8 : 0) +
        (marks.hits.has(index) ? 2 : 0) +
        (marks.current === index ? 1 : 0);
      if (this.marks[slot] !== code) {
        this.marks[slot] = code;
        row.className = `line ${stream.toLowerCase()}${code & 2 ? ' hit' : ''}${code & 1 ? ' current' : ''}`;
      }
    }
  }

  /**
   * Shows or hides each row's time columns (the host's CSS hides the empty ones). Rows are
   * refilled at the next render.
   */
  setShowTimes(on: boolean): void {
    if (on === this.showTimes) return;
    this.showTimes = on;
    this.shown.fill(-1);
  }

  /** Forgets parsed lines (the log was replaced). */
  reset(): void {
    this.segments.clear();
    this.shown.fill(-1);
    this.marks.fill(-1);
  }

  private fill(slot: number, index: number, text: string): void {
    const row = this.rows[slot]!;
    this.shown[slot] = index;
    row.style.transform = `translateY(${index * this.lineHeight}px)`;
    row.dataset['line'] = String(index + 1);
    this.numbers[slot]!.textContent = String(index + 1);
    const body = this.bodies[slot]!;
    if (!text.includes(ESC)) body.textContent = text;
    else body.replaceChildren(...this.segments.get(index, text).map(segmentElement));
    row.hidden = false;
  }

  private fillTimes(slot: number, source: RowSource, index: number): void {
    const at = source.time?.(index) ?? Number.NaN;
    const start = source.time?.(0) ?? Number.NaN;
    this.clocks[slot]!.textContent = Number.isNaN(at) ? '' : clockTime(at);
    this.elapsed[slot]!.textContent =
      Number.isNaN(at) || Number.isNaN(start) ? '' : elapsedTime(at - start);
  }
}

/** `14:03:07.125` in the browser's time zone. */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** Time since the log's first line: `+4.2s`, `+3m 07s`, `+1h 02m`. */
export function elapsedTime(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `+${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `+${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `+${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function segmentElement(s: AnsiSegment): HTMLSpanElement {
  const span = document.createElement('span');
  span.textContent = s.text;
  if (s.fg) span.style.color = s.fg;
  if (s.bg) span.style.background = s.bg;
  if (s.bold) span.style.fontWeight = '700';
  if (s.italic) span.style.fontStyle = 'italic';
  if (s.underline) span.style.textDecoration = 'underline';
  return span;
}
