/**
 * `[COUT]` lines: how a component reports output on stdout (docs/design.md §3). Called for every
 * stdout line of every job, so the common case (not a `[COUT]` line) costs one `startsWith`.
 */

/** What a `[COUT]` line means. */
export type CoutLine =
  | { readonly kind: 'output'; readonly key: string; readonly value: string }
  | { readonly kind: 'message'; readonly text: string };

/** The prefix that marks a component's report line. Case-sensitive. */
export const COUT_PREFIX = '[COUT]';

/** Syntax of an output key (`[COUT]` lines and the `$CO_OUTPUT` file). */
export const OUTPUT_KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const OUTPUT_LINE = /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=(.*)$/s;

/**
 * Parses one stdout line (without its line terminator; a trailing `\r` is ignored).
 *
 * - `[COUT] KEY = VALUE` → an output. Spaces around `=` are optional, as is the space after
 *   `[COUT]`. KEY matches {@link OUTPUT_KEY_PATTERN}; VALUE is everything after the first `=`,
 *   trimmed, so it may contain `=` and may be empty.
 * - `[COUT] anything else` (no valid `KEY =`) → a message: a log line, not an output.
 * - Any other line → `undefined`.
 *
 * Leading whitespace is NOT allowed: `[COUT]` must start the line. Components print it at column
 * one, and refusing indented lines keeps quoted or echoed examples (`  [COUT] X=1` in a test log)
 * from becoming outputs, and keeps this check a single `startsWith` on the hot path.
 */
export function parseCoutLine(line: string): CoutLine | undefined {
  if (!line.startsWith(COUT_PREFIX)) return undefined;
  let rest = line.slice(COUT_PREFIX.length);
  if (rest.endsWith('\r')) rest = rest.slice(0, -1);
  const m = OUTPUT_LINE.exec(rest);
  if (m !== null) return { kind: 'output', key: m[1] as string, value: (m[2] as string).trim() };
  return { kind: 'message', text: rest.trim() };
}
