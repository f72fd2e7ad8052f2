/** Checks lines against the `JobLogLine` contract before anything is written (all or none). */
import { UserError } from '@containerops/sdk';
import type { JobLogLine } from '@containerops/sdk';
import { SqliteLogStoreErrorCode } from './errors.js';

/** How streams are stored: one small integer instead of a repeated string. */
export const streamCodes = { stdout: 0, stderr: 1, system: 2 } as const;
export const streamNames = ['stdout', 'stderr', 'system'] as const;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Why `line` is not a valid `JobLogLine`, or `undefined` when it is. */
export function lineProblem(line: JobLogLine): string | undefined {
  if (typeof line !== 'object' || line === null) return 'is not an object';
  if (typeof line.runId !== 'string' || line.runId === '') return 'has no runId';
  if (typeof line.jobPath !== 'string' || line.jobPath === '') return 'has no jobPath';
  if (!isPositiveInteger(line.attempt)) return 'has an attempt that is not a positive integer';
  if (!isPositiveInteger(line.seq)) return 'has a seq that is not a positive integer';
  if (!Object.hasOwn(streamCodes, line.stream))
    return 'has a stream other than stdout/stderr/system';
  if (typeof line.text !== 'string') return 'has a text that is not a string';
  if (typeof line.time !== 'number' || !Number.isFinite(line.time))
    return 'has a time that is not a finite number';
  return undefined;
}

/** Throws `LOG_LINE_INVALID` naming the first invalid line of the batch. */
export function assertValidLines(lines: readonly JobLogLine[]): void {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as JobLogLine;
    const problem = lineProblem(line);
    if (problem !== undefined) {
      throw new UserError(
        SqliteLogStoreErrorCode.invalidLine,
        `log line ${i} of the batch ${problem}; the batch was not stored`,
        { details: { index: i } },
      );
    }
  }
}
