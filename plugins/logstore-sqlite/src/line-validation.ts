/** Checks lines against the `JobLogLine` contract before anything is written (all or none). */
import { UserError, logLineProblem } from '@containerops/sdk';
import type { JobLogLine } from '@containerops/sdk';
import { SqliteLogStoreErrorCode } from './errors.js';

/** How streams are stored: one small integer instead of a repeated string. */
export const streamCodes = { stdout: 0, stderr: 1, system: 2 } as const;
export const streamNames = ['stdout', 'stderr', 'system'] as const;

/** Throws `LOG_LINE_INVALID` naming the first invalid line of the batch. */
export function assertValidLines(lines: readonly JobLogLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as JobLogLine;
    const problem = logLineProblem(line);
    if (problem !== undefined) {
      throw new UserError(
        SqliteLogStoreErrorCode.invalidLine,
        `log line ${i} of the batch ${problem}; the batch was not stored`,
        { details: { index: i } },
      );
    }
  }
}
