/**
 * Resuming a log stream after an engine restart without duplicates (`LogOptions.sinceTime` +
 * `skipAtSinceTime`).
 *
 * The engine stored every line up to and including some lines stamped `sinceTime` (ms), the
 * last `skipAtSinceTime` of which it already has. Docker's `since` query parameter is whole
 * seconds (it accepts fractions too, but whole seconds avoid any float formatting doubt), and it
 * is inclusive: messages stamped at or after it are returned. So:
 * 1. ask Docker for `since = floor(sinceTime / 1000)`: every line the engine may lack is in there,
 *    plus up to one second of lines it already has;
 * 2. drop lines stamped before `sinceTime` (our stamps are Docker's, truncated to the ms, so the
 *    same line gets the same stamp on every read);
 * 3. of the lines stamped exactly `sinceTime`, drop the first `skipAtSinceTime` (both streams
 *    counted together, in the order Docker returns them, which is the order it stored them).
 *
 * Limits: a line Docker split into partial messages (over 16 KiB) whose first fragment is before
 * the `since` second comes back without its head; lines of stdout and stderr written within the
 * same millisecond are counted in storage order, which is the order the engine saw them in.
 */

import type { LogChunk } from '@containerops/sdk';

/** Docker's `since` for a resume point: the whole second at or before `sinceTime`. */
export function dockerSinceSeconds(sinceTime: number | undefined): number | undefined {
  if (sinceTime === undefined || !Number.isFinite(sinceTime) || sinceTime <= 0) return undefined;
  return Math.floor(sinceTime / 1000);
}

/**
 * A stateful predicate: true for each line to keep, in stream order. With no `sinceTime`
 * everything is kept. Call it once per line, in order.
 */
export function createResumeFilter(
  sinceTime: number | undefined,
  skipAtSinceTime = 0,
): (line: Pick<LogChunk, 'time'>) => boolean {
  if (sinceTime === undefined) return () => true;
  let toSkip = Math.max(0, skipAtSinceTime);
  return (line) => {
    if (line.time < sinceTime) return false;
    if (line.time === sinceTime && toSkip > 0) {
      toSkip -= 1;
      return false;
    }
    return true;
  };
}
