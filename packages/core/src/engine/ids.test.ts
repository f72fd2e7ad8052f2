import { describe, expect, it } from 'vitest';
import { jobAttemptId, newRunId } from './ids.js';

describe('newRunId', () => {
  it('is 19 lowercase base36 characters, sortable by time, random', () => {
    const a = newRunId(1_700_000_000_000);
    const b = newRunId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-z]{19}$/);
    expect(a < b).toBe(true);
    expect(newRunId(5)).not.toBe(newRunId(5));
  });
});

describe('jobAttemptId', () => {
  const valid = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

  it('is a readable, valid name of at most 63 characters', () => {
    const id = jobAttemptId('0abc', 'build.compile.go-build', 1);
    expect(id).toMatch(valid);
    expect(id.startsWith('build-compile-go-build-')).toBe(true);
    expect(id.endsWith('-1')).toBe(true);
  });

  it('stays valid for long and odd paths', () => {
    for (const path of [
      'A'.repeat(200) + '.b.c',
      '---.___.-',
      'Ünï.cödé.ジョブ',
      'x.y.' + 'z-'.repeat(40),
    ]) {
      const id = jobAttemptId('run', path, 12);
      expect(id).toMatch(valid);
      expect(id.length).toBeLessThanOrEqual(63);
    }
  });

  it('is deterministic and differs by run, path and attempt', () => {
    const ids = new Set([
      jobAttemptId('r1', 's.a.j', 1),
      jobAttemptId('r1', 's.a.j', 2),
      jobAttemptId('r2', 's.a.j', 1),
      jobAttemptId('r1', 's.a.k', 1),
      jobAttemptId('r1', 's-a.j', 1),
    ]);
    expect(ids.size).toBe(5);
    expect(jobAttemptId('r1', 's.a.j', 1)).toBe(jobAttemptId('r1', 's.a.j', 1));
  });
});
