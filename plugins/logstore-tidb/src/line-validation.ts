/** Checks lines against the `JobLogLine` contract before anything is written (all or none). */
import { UserError, logLineProblem } from '@containerops/sdk';
import type { JobLogLine } from '@containerops/sdk';
import { TidbLogStoreErrorCode } from './errors.js';

/** How streams are stored: one small integer instead of a repeated string. */
export const streamCodes = { stdout: 0, stderr: 1, system: 2 } as const;
export const streamNames = ['stdout', 'stderr', 'system'] as const;

/** Why `line` cannot be stored: the shared contract, then the limit of the attempt column. */
function lineProblem(line: JobLogLine): string | undefined {
  const problem = logLineProblem(line);
  if (problem !== undefined) return problem;
  // attempt is an INT UNSIGNED column.
  if (line.attempt > 0xffff_ffff) return 'has an attempt above 4294967295';
  return undefined;
}

/**
 * Throws `LOG_LINE_INVALID` naming the first invalid line of the batch, or `LOG_LINE_TOO_LARGE`
 * for a text of more than `maxLineBytes` UTF-8 bytes. Returns each line's text size in bytes
 * (the batching needs it).
 */
export function checkLines(lines: readonly JobLogLine[], maxLineBytes: number): number[] {
  const sizes: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as JobLogLine;
    const problem = lineProblem(line);
    if (problem !== undefined) {
      throw new UserError(
        TidbLogStoreErrorCode.invalidLine,
        `log line ${i} of the batch ${problem}; the batch was not stored`,
        { details: { index: i } },
      );
    }
    const bytes = Buffer.byteLength(line.text, 'utf8');
    if (bytes > maxLineBytes) {
      throw new UserError(
        TidbLogStoreErrorCode.lineTooLarge,
        `log line ${i} of the batch has ${bytes} bytes of text, more than the store's ` +
          `maxLineBytes (${maxLineBytes}); split or truncate it before appending; the batch was not stored`,
        { details: { index: i, bytes, maxLineBytes } },
      );
    }
    sizes.push(bytes);
  }
  return sizes;
}
