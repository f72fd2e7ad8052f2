/**
 * Which view a run gets: `--json` → JSON lines; a colour terminal → the live tree; anything else
 * (a pipe, a file, `--plain`, `NO_COLOR`, `TERM=dumb`) → plain lines.
 */
import type { CliIo } from '../io.js';
import { JsonRenderer } from './json-renderer.js';
import { PlainRenderer } from './plain-renderer.js';
import type { RunRenderer } from './renderer.js';
import { ansiPaint, noPaint } from './style.js';
import { TtyRenderer } from './tty-renderer.js';

export type ViewKind = 'json' | 'tty' | 'plain';

export interface ViewFlags {
  readonly json?: boolean;
  readonly plain?: boolean;
}

/** True when colours may be used on stdout (https://no-color.org). */
export function colourAllowed(io: CliIo): boolean {
  const noColor = io.env['NO_COLOR'];
  return (
    io.stdout.isTTY === true &&
    (noColor === undefined || noColor === '') &&
    io.env['TERM'] !== 'dumb'
  );
}

export function viewKind(io: CliIo, flags: ViewFlags): ViewKind {
  if (flags.json) return 'json';
  if (flags.plain || !colourAllowed(io)) return 'plain';
  return 'tty';
}

export function chooseRenderer(io: CliIo, flags: ViewFlags): RunRenderer {
  switch (viewKind(io, flags)) {
    case 'json':
      return new JsonRenderer(io.stdout);
    case 'plain':
      return new PlainRenderer(io.stdout, colourAllowed(io) ? ansiPaint : noPaint);
    case 'tty':
      return new TtyRenderer(io.stdout, {
        // A pseudo-terminal without a size reports 0.
        size: () => ({ columns: io.stdout.columns || 80, rows: io.stdout.rows || 24 }),
      });
  }
}
