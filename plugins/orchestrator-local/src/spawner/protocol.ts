/**
 * What the `local` orchestrator and its spawner helper say to each other: one JSON object per
 * line, on the helper's stdin (requests) and stdout (events). `id` is chosen by the orchestrator,
 * one per launched process. The helper first says `ready`, then answers every `spawn` with
 * `started` or `failed`; after `started` come `lines` and `closed` per stream and one `exited`,
 * in the order they happened.
 */
import type { LogStream } from '@containerops/sdk';

export type SpawnerRequest =
  | {
      readonly op: 'spawn';
      readonly id: number;
      readonly file: string;
      readonly args: readonly string[];
      readonly cwd: string;
      readonly env: Readonly<Record<string, string>>;
    }
  | { readonly op: 'pause' | 'resume'; readonly id: number };

export type SpawnerEvent =
  /** Sent once, first, when the helper has booted and reads requests. */
  | { readonly op: 'ready' }
  | { readonly op: 'started'; readonly id: number; readonly pid: number }
  | {
      readonly op: 'failed';
      readonly id: number;
      readonly code: string | undefined;
      readonly message: string;
    }
  | {
      readonly op: 'lines';
      readonly id: number;
      readonly stream: LogStream;
      readonly lines: readonly string[];
      readonly time: number;
      /** Indexes of pieces of an over-long line (see `ProcessListener.lines`); absent if none. */
      readonly partial?: readonly number[];
    }
  | { readonly op: 'closed'; readonly id: number; readonly stream: LogStream }
  | {
      readonly op: 'exited';
      readonly id: number;
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
    };

/**
 * Splits a stream of text into JSON lines and parses each. `JSON.stringify` escapes every newline
 * inside strings, so a raw `\n` always ends a message.
 */
export class JsonLineReader<T> {
  private partial = '';

  constructor(private readonly onMessage: (message: T) => void) {}

  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = start === 0 ? this.partial + text.slice(0, nl) : text.slice(start, nl);
      if (start === 0) this.partial = '';
      start = nl + 1;
      if (line !== '') this.onMessage(JSON.parse(line) as T);
    }
    this.partial += start === 0 ? text : text.slice(start);
  }
}
