import type { LogChunk, LogStream } from '@containerops/sdk';
import { splitTimestamp } from './docker-timestamp.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = '\r';

export interface LineAssemblerOptions {
  /**
   * The frames come from a request with `timestamps=true`: each frame is one Docker log message
   * prefixed with `<RFC3339Nano> ` and the prefix is stripped from every frame, including the
   * continuation frames of a line Docker split (json-file splits lines longer than 16 KiB into
   * partial messages, each stamped). Without it, lines are stamped with `now()`.
   */
  readonly timestamps: boolean;
  /** Clock for lines without a Docker timestamp (tests pass a fixed one). */
  readonly now?: () => number;
  /**
   * A line longer than this (bytes, default 1 MiB) is emitted in pieces of this size, each but
   * the last marked `partial`, so output without newlines cannot grow memory without bound.
   */
  readonly maxLineBytes?: number;
}

interface Pending {
  parts: Buffer[];
  bytes: number;
  time: number | undefined;
}

/**
 * Turns the payloads of demultiplexed frames into lines, per stream:
 * - a line may span frames (Docker's partial messages, or arbitrary attach frames); its time is
 *   that of its first fragment;
 * - `\n` ends a line and is not part of it; a `\r` before it is dropped too (`\r\n`);
 * - bytes are joined before decoding, so a UTF-8 character split across frames survives;
 * - {@link flush} emits each stream's last line when it had no final `\n`.
 * One instance per log stream; not thread-safe.
 */
export class LineAssembler {
  private readonly pending: Record<LogStream, Pending> = {
    stdout: { parts: [], bytes: 0, time: undefined },
    stderr: { parts: [], bytes: 0, time: undefined },
  };
  private readonly now: () => number;
  private readonly maxLineBytes: number;

  constructor(private readonly options: LineAssemblerOptions) {
    this.now = options.now ?? Date.now;
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  }

  /** Adds one frame's payload; returns the lines it completes, in order. */
  push(stream: LogStream, payload: Buffer): LogChunk[] {
    let text = payload;
    let time: number | undefined;
    if (this.options.timestamps) ({ time, text } = splitTimestamp(payload));
    const state = this.pending[stream];
    const lines: LogChunk[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf(NEWLINE, start);
      if (newline < 0) break;
      this.append(state, text.subarray(start, newline), time);
      lines.push(this.take(stream, state));
      start = newline + 1;
    }
    if (start < text.length) {
      this.append(state, text.subarray(start), time);
      while (state.bytes > this.maxLineBytes) lines.push(this.takePrefix(stream, state));
    }
    return lines;
  }

  /** Time of the oldest line begun but not completed yet (either stream), if any. */
  pendingTime(): number | undefined {
    const times = [this.pending.stdout, this.pending.stderr]
      .filter((state) => state.bytes > 0)
      .map((state) => state.time ?? this.now());
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Emits the unterminated last line of each stream (oldest first) and resets. */
  flush(): LogChunk[] {
    const lines: LogChunk[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.pending[stream];
      if (state.bytes > 0) lines.push(this.take(stream, state));
    }
    return lines.sort((a, b) => a.time - b.time);
  }

  private append(state: Pending, bytes: Buffer, time: number | undefined): void {
    if (state.time === undefined && state.bytes === 0) state.time = time ?? this.now();
    if (bytes.length === 0) return;
    state.parts.push(bytes);
    state.bytes += bytes.length;
  }

  private take(stream: LogStream, state: Pending): LogChunk {
    const joined =
      state.parts.length === 1 ? state.parts[0] : Buffer.concat(state.parts, state.bytes);
    let text = joined === undefined ? '' : joined.toString('utf8');
    if (text.endsWith(CARRIAGE_RETURN)) text = text.slice(0, -1);
    const chunk: LogChunk = { stream, text, time: state.time ?? this.now() };
    state.parts = [];
    state.bytes = 0;
    state.time = undefined;
    return chunk;
  }

  /**
   * Emits the first `maxLineBytes` of an over-long line, marked `partial` (the line goes on);
   * the rest stays pending, same time.
   */
  private takePrefix(stream: LogStream, state: Pending): LogChunk {
    const all = Buffer.concat(state.parts, state.bytes);
    // Cut before a UTF-8 continuation byte's lead so no character is split in two.
    let cut = this.maxLineBytes;
    while (cut > 0 && ((all[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
    if (cut === 0) cut = this.maxLineBytes;
    const time = state.time ?? this.now();
    const rest = all.subarray(cut);
    state.parts = rest.length > 0 ? [rest] : [];
    state.bytes = rest.length;
    return { stream, text: all.toString('utf8', 0, cut), time, partial: true };
  }
}
