/**
 * How statuses and durations look: symbols, colours (ANSI, only when the output is a colour
 * terminal) and compact durations.
 */
import type { AnyStatus } from '@containerops/core';

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold';

const CODES: Readonly<Record<Colour, readonly [number, number]>> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
};

/** Wraps text in ANSI colour codes, or returns it as is when colours are off. */
export type Paint = (colour: Colour, text: string) => string;

export const ansiPaint: Paint = (colour, text) => {
  const [open, close] = CODES[colour];
  return `\x1b[${open}m${text}\x1b[${close}m`;
};

export const noPaint: Paint = (_colour, text) => text;

/** Colours for `[stage.action.job]` prefixes, picked by a hash so a job keeps its colour. */
const PREFIX_COLOURS: readonly Colour[] = ['cyan', 'magenta', 'blue', 'yellow', 'green'];

export function prefixColour(path: string): Colour {
  let h = 0;
  for (let i = 0; i < path.length; i++) h = (h * 31 + path.charCodeAt(i)) >>> 0;
  return PREFIX_COLOURS[h % PREFIX_COLOURS.length] ?? 'cyan';
}

const SYMBOLS: Readonly<Record<AnyStatus, string>> = {
  queued: '○',
  pending: '○',
  running: '●',
  waiting: '⏸',
  succeeded: '✓',
  failed: '✗',
  timed_out: '⏱',
  cancelled: '⊘',
  skipped: '↷',
};

const STATUS_COLOURS: Readonly<Record<AnyStatus, Colour>> = {
  queued: 'gray',
  pending: 'gray',
  running: 'cyan',
  waiting: 'yellow',
  succeeded: 'green',
  failed: 'red',
  timed_out: 'red',
  cancelled: 'yellow',
  skipped: 'gray',
};

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The symbol of a status; `frame` animates running nodes in the live view. */
export function statusSymbol(status: AnyStatus, frame?: number): string {
  if (status === 'running' && frame !== undefined) return SPINNER[frame % SPINNER.length] ?? '●';
  return SYMBOLS[status];
}

export function statusColour(status: AnyStatus): Colour {
  return STATUS_COLOURS[status];
}

/** `timed_out` → `timed out`. */
export function statusWord(status: AnyStatus): string {
  return status.replace('_', ' ');
}

/** Compact duration: `850ms`, `3.2s`, `1m05s`, `2h03m`. */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** Elapsed time of a node: until it finished, or until `now` while it runs; '' if it never started. */
export function elapsed(
  startedAt: number | undefined,
  finishedAt: number | undefined,
  now: number,
): string {
  if (startedAt === undefined) return '';
  return formatDuration((finishedAt ?? now) - startedAt);
}
