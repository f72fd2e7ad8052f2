/**
 * Docker stamps each log message with RFC 3339 and nanoseconds (`2024-05-01T10:20:30.123456789Z`,
 * or with a `+hh:mm` offset) when `timestamps=true` is asked for.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an RFC 3339 timestamp with up to 9 fractional digits into milliseconds since the epoch,
 * truncating (never rounding) below the millisecond, so a line is never stamped later than it was
 * written. Returns `undefined` when the text is not such a timestamp.
 */
export function parseDockerTimestamp(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [, seconds, fraction = '', zone] = match;
  const base = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(base)) return undefined;
  return base + Number(fraction.padEnd(3, '0').slice(0, 3));
}

/** Longest timestamp prefix Docker writes (with an offset instead of `Z`), plus slack. */
const MAX_PREFIX = 40;
const SPACE = 0x20;

/**
 * Splits Docker's `<timestamp> <text>` message into its time and text. When the message does not
 * start with a timestamp (timestamps were not requested) the whole payload is text and `time` is
 * `undefined`.
 */
export function splitTimestamp(payload: Buffer): { time: number | undefined; text: Buffer } {
  const space = payload.subarray(0, MAX_PREFIX).indexOf(SPACE);
  if (space <= 0) return { time: undefined, text: payload };
  const time = parseDockerTimestamp(payload.toString('latin1', 0, space));
  if (time === undefined) return { time: undefined, text: payload };
  return { time, text: payload.subarray(space + 1) };
}
