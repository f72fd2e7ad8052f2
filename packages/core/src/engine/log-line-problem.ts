/**
 * The `JobLogLine` contract checked at run time, for log stores that receive lines from outside
 * their own process (a plugin cannot trust its caller's types): one rule, so every store refuses
 * the same lines with the same words.
 */
import type { JobLogLine } from './events.js';

/** The streams a `JobLogLine` may name. */
export const JOB_LOG_STREAMS: readonly JobLogLine['stream'][] = ['stdout', 'stderr', 'system'];

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Why `line` is not a valid `JobLogLine` (`"has no runId"`...), or `undefined` when it is. */
export function logLineProblem(line: JobLogLine): string | undefined {
  if (typeof line !== 'object' || line === null) return 'is not an object';
  if (typeof line.runId !== 'string' || line.runId === '') return 'has no runId';
  if (typeof line.jobPath !== 'string' || line.jobPath === '') return 'has no jobPath';
  if (!isPositiveInteger(line.attempt)) return 'has an attempt that is not a positive integer';
  if (!isPositiveInteger(line.seq)) return 'has a seq that is not a positive integer';
  if (!JOB_LOG_STREAMS.includes(line.stream)) return 'has a stream other than stdout/stderr/system';
  if (typeof line.text !== 'string') return 'has a text that is not a string';
  if (typeof line.time !== 'number' || !Number.isFinite(line.time))
    return 'has a time that is not a finite number';
  return undefined;
}
