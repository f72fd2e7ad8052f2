/**
 * Splits a byte stream into text lines: `\n` ends a line, a `\r` before it is dropped, a final line
 * without a newline is kept, and a UTF-8 character split across chunks is decoded whole.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * Lines longer than this are delivered in pieces of this many characters (nothing is dropped),
 * every piece but the last listed in {@link SplitLines.partial}.
 */
export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

/** What one `push` or `end` yields. */
export interface SplitLines {
  /** Lines (or pieces of over-long lines), in order, without terminators. */
  readonly lines: string[];
  /** Indexes in `lines` of pieces that the next line of the stream continues (`LogChunk.partial`). */
  readonly partial: number[];
}

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxLineChars: number = DEFAULT_MAX_LINE_CHARS) {}

  /** The complete lines `chunk` finishes, in order (without terminators). */
  push(chunk: Buffer): SplitLines {
    const text = this.decoder.write(chunk);
    const out: SplitLines = { lines: [], partial: [] };
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      let line = text.slice(start, nl);
      if (start === 0 && this.partial !== '') {
        line = this.partial + line;
        this.partial = '';
      }
      this.emit(out, line.endsWith('\r') ? line.slice(0, -1) : line);
      start = nl + 1;
    }
    this.partial = start === 0 ? this.partial + text : text.slice(start);
    // Keep memory bounded for output without newlines (a binary, a progress bar).
    while (this.partial.length >= this.maxLineChars) {
      out.partial.push(out.lines.length); // the line goes on
      out.lines.push(this.partial.slice(0, this.maxLineChars));
      this.partial = this.partial.slice(this.maxLineChars);
    }
    return out;
  }

  /** The last line, if the stream did not end with a newline. Call once, at end of stream. */
  end(): SplitLines {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    const out: SplitLines = { lines: [], partial: [] };
    if (rest !== '') this.emit(out, rest.endsWith('\r') ? rest.slice(0, -1) : rest);
    return out;
  }

  private emit(out: SplitLines, line: string): void {
    if (line.length <= this.maxLineChars) {
      out.lines.push(line);
      return;
    }
    for (let i = 0; i < line.length; i += this.maxLineChars) {
      if (i + this.maxLineChars < line.length) out.partial.push(out.lines.length);
      out.lines.push(line.slice(i, i + this.maxLineChars));
    }
  }
}
