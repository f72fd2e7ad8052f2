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
      const body = document.createElement('span');
      number.className = 'ln';
      row.className = 'line';
      row.hidden = true;
      row.append(number, body);
      this.host.append(row);
      this.rows.push(row);
      this.numbers.push(number);
      this.bodies.push(body);
    }
    for (const row of this.rows.splice(size)) row.remove();
    this.numbers.length = size;
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
