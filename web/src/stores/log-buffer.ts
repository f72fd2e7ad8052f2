/**
 * One job's log in memory, built for 200,000+ lines: outside Vue's reactivity (the viewer renders
 * only the visible window), appended in chunks, with duplicate-safe resume (`lastSeq`) and search.
 *
 * Stored compactly on purpose: one string per line in a plain array and the stream as one byte
 * per line, instead of one `LogLine` object per line (each with its own `time` string). That is
 * ~3× fewer heap objects for the garbage collector to trace while the log scrolls.
 */
import type { LogLine, LogStream } from '../api/types.js';

const STREAMS: readonly LogStream[] = ['STDOUT', 'STDERR', 'SYSTEM'];
const STREAM_CODE: Readonly<Record<LogStream, number>> = { STDOUT: 0, STDERR: 1, SYSTEM: 2 };

export class LogBuffer {
  /** Line texts as received (with ANSI codes), index = line number − 1. */
  readonly texts: string[] = [];
  private streamCodes = new Uint8Array(1024);
  /** When each line was written (epoch ms; NaN when unknown): 8 bytes a line, no objects. */
  private times = new Float64Array(1024);
  /** Highest seq held: resume a subscription with `afterSeq: lastSeq`. */
  lastSeq = 0;

  /** Appends lines newer than `lastSeq` (replays after a reconnect are dropped). Returns how many. */
  append(chunk: readonly LogLine[]): number {
    let added = 0;
    for (const line of chunk) {
      if (line.seq <= this.lastSeq) continue;
      const index = this.texts.length;
      if (index === this.streamCodes.length) {
        const grown = new Uint8Array(this.streamCodes.length * 2);
        grown.set(this.streamCodes);
        this.streamCodes = grown;
        const grownTimes = new Float64Array(this.times.length * 2);
        grownTimes.set(this.times);
        this.times = grownTimes;
      }
      this.streamCodes[index] = STREAM_CODE[line.stream] ?? 0;
      this.times[index] = Date.parse(line.time);
      this.texts.push(line.text);
      this.lastSeq = line.seq;
      added++;
    }
    return added;
  }

  get length(): number {
    return this.texts.length;
  }

  /** The stream line `index` came from. */
  stream(index: number): LogStream {
    return STREAMS[this.streamCodes[index] ?? 0] ?? 'STDOUT';
  }

  /** When line `index` was written (epoch ms), NaN when unknown. */
  time(index: number): number {
    return index < this.texts.length ? (this.times[index] ?? Number.NaN) : Number.NaN;
  }

  /** Indexes of the lines containing `term` (case-insensitive; ANSI codes ignored). */
  search(term: string): number[] {
    const needle = term.toLowerCase();
    if (needle === '') return [];
    const hits: number[] = [];
    this.texts.forEach((text, index) => {
      if (stripAnsi(text).toLowerCase().includes(needle)) hits.push(index);
    });
    return hits;
  }

  /** Plain text for download (ANSI codes removed). */
  toText(): string {
    return this.texts.map(stripAnsi).join('\n') + (this.texts.length > 0 ? '\n' : '');
  }
}

// eslint-disable-next-line no-control-regex
const ANSI_PATTERN = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI_PATTERN, '');
}
