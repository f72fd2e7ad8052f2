/**
 * Splitting a `pods/log?timestamps=true` body into lines. Every line starts with the kubelet's
 * RFC 3339 stamp and a space; a line longer than {@link MAX_LINE_CHARS} is given in pieces, each
 * but the last marked partial, so memory stays bounded (the contract's rule). Pure and
 * incremental: feed chunks as they come, `end()` at the end of the body.
 */
import { StringDecoder } from 'node:string_decoder';

/** Longest piece of a line handed on at once (1 Mi characters, the built-in backends' limit). */
export const MAX_LINE_CHARS = 1024 * 1024;

/** One piece of a log line with its stamp. */
export interface StampedLine {
  /** The kubelet's stamp normalised to `YYYY-MM-DDTHH:MM:SS.nnnnnnnnn` (sortable as text). */
  readonly stamp: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly text: string;
  readonly partial: boolean;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** `2026-12-07T12:00:00.5Z` → `2026-12-07T12:00:00.500000000` and its ms; undefined when it is no stamp. */
export function parseStamp(text: string): { stamp: string; time: number } | undefined {
  const match = STAMP.exec(text);
  if (match === null) return undefined;
  const [, seconds = '', fraction = '', zone = 'Z'] = match;
  const time = Date.parse(`${seconds}${zone}`) + Number(`0.${fraction || '0'}`) * 1000;
  if (Number.isNaN(time)) return undefined;
  // Stamps in another zone are made UTC so text order stays time order.
  const utc =
    zone === 'Z' ? seconds : new Date(Date.parse(`${seconds}${zone}`)).toISOString().slice(0, 19);
  return { stamp: `${utc}.${fraction.padEnd(9, '0')}`, time: Math.floor(time) };
}

/** The `sinceTime` query value for a stamp: the API server reads whole seconds, so it is floored. */
export function sinceTimeOf(stamp: string): string {
  return `${stamp.slice(0, 19)}Z`;
}

export class LogLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  /** The stamp of the line being read, once its head has been seen. */
  private current: { stamp: string; time: number } | undefined;

  /** The pieces complete after `chunk`. */
  push(chunk: Buffer | string): StampedLine[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    return this.drain(false);
  }

  /** The rest, after the body ended (a last line without its newline). */
  end(): StampedLine[] {
    this.buffer += this.decoder.end();
    return this.drain(true);
  }

  private drain(ending: boolean): StampedLine[] {
    const out: StampedLine[] = [];
    for (;;) {
      if (this.current === undefined) {
        const space = this.buffer.indexOf(' ');
        const newline = this.buffer.indexOf('\n');
        if (space === -1 && newline === -1) {
          if (ending && this.buffer !== '') out.push(this.unstamped(this.buffer));
          if (ending) this.buffer = '';
          return out;
        }
        const end = space === -1 ? newline : newline === -1 ? space : Math.min(space, newline);
        const head = this.buffer.slice(0, end);
        const stamp = parseStamp(head);
        if (stamp === undefined) {
          // No stamp (a server that ignored `timestamps`): the whole line is text.
          this.current = { stamp: '', time: Date.now() };
        } else {
          this.current = stamp;
          this.buffer = this.buffer.slice(end === space ? end + 1 : end);
        }
      }
      const newline = this.buffer.indexOf('\n');
      if (newline !== -1 && newline <= MAX_LINE_CHARS) {
        out.push(this.piece(this.buffer.slice(0, newline), false));
        this.buffer = this.buffer.slice(newline + 1);
        this.current = undefined;
        continue;
      }
      if (this.buffer.length > MAX_LINE_CHARS) {
        out.push(this.piece(this.buffer.slice(0, MAX_LINE_CHARS), true));
        this.buffer = this.buffer.slice(MAX_LINE_CHARS);
        continue;
      }
      if (ending) {
        if (this.buffer !== '' || this.current.stamp !== '')
          out.push(this.piece(this.buffer, false));
        this.buffer = '';
        this.current = undefined;
      }
      return out;
    }
  }

  private piece(text: string, partial: boolean): StampedLine {
    const { stamp, time } = this.current ?? { stamp: '', time: Date.now() };
    return { stamp, time, text, partial };
  }

  private unstamped(text: string): StampedLine {
    return { stamp: '', time: Date.now(), text, partial: false };
  }
}
