import { describe, expect, it } from 'vitest';
import type { JobLogLine } from './events.js';
import { logLineProblem } from './log-line-problem.js';

const good: JobLogLine = {
  runId: 'r1',
  jobPath: 'build.compile.gcc',
  attempt: 1,
  seq: 1,
  stream: 'stdout',
  text: 'hello',
  time: 1_700_000_000_000,
};

describe('logLineProblem', () => {
  it('accepts a line that keeps the contract', () => {
    expect(logLineProblem(good)).toBeUndefined();
    expect(logLineProblem({ ...good, stream: 'system', text: '' })).toBeUndefined();
  });

  it('names the first broken field', () => {
    const broken = (patch: Record<string, unknown>): string | undefined =>
      logLineProblem({ ...good, ...patch } as unknown as JobLogLine);
    expect(logLineProblem(null as unknown as JobLogLine)).toBe('is not an object');
    expect(broken({ runId: '' })).toBe('has no runId');
    expect(broken({ jobPath: 3 })).toBe('has no jobPath');
    expect(broken({ attempt: 0 })).toBe('has an attempt that is not a positive integer');
    expect(broken({ seq: 1.5 })).toBe('has a seq that is not a positive integer');
    expect(broken({ stream: 'stdin' })).toBe('has a stream other than stdout/stderr/system');
    expect(broken({ text: Buffer.from('x') })).toBe('has a text that is not a string');
    expect(broken({ time: Number.NaN })).toBe('has a time that is not a finite number');
  });
});
