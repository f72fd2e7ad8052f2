/**
 * Durations as workflow files write them: a number of seconds (`600`, `0.5`) or a string of
 * number+unit parts (`"30m"`, `"1h30m"`, `"250ms"`, `"1.5h"`, `"2d"`). Normalised to milliseconds.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type DurationUnit = keyof typeof UNIT_MS;

// `ms` must come before `m` in the alternation, or "250ms" would read as 250 minutes + "s".
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)/y;
const PLAIN_NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/** The units accepted in duration strings, for messages. */
export const DURATION_UNITS: readonly DurationUnit[] = ['ms', 's', 'm', 'h', 'd'];

/**
 * Parses a duration into whole milliseconds (rounded to the nearest millisecond).
 *
 * - A number, or a string holding only a number, is **seconds** (the original ContainerOps
 *   convention); fractions are allowed.
 * - A string is one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d`, summed
 *   (`"1h30m"` = 5 400 000). Each unit may appear at most once. Surrounding spaces are ignored.
 * - `0` is returned as `0`; callers treat it as "no timeout".
 *
 * Pure and deterministic.
 * @throws RangeError when the value is negative, not finite, empty or not in one of the forms
 *   above; the message says what is accepted, so callers can show it to the user unchanged.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`duration must be a non-negative number of seconds, got ${value}`);
    }
    return Math.round(value * 1000);
  }
  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) return Math.round(Number(text) * 1000);
  const bad = (): RangeError =>
    new RangeError(
      `invalid duration "${value}": use seconds (600) or number+unit parts like "30m", "1h30m", "250ms" (units: ${DURATION_UNITS.join(', ')})`,
    );
  if (text === '') throw bad();
  let total = 0;
  const seen = new Set<string>();
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) throw bad();
    const unit = match[2] as DurationUnit;
    if (seen.has(unit)) throw bad();
    seen.add(unit);
    total += Number(match[1]) * UNIT_MS[unit];
  }
  return Math.round(total);
}

/** Formats milliseconds back into the shortest string `parseDuration` reads (`5400000` -> `"1h30m"`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
