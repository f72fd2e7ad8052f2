import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../test/fixtures.js';
import { noPaint } from './style.js';
import { summaryLines, unsuccessfulJobs } from './summary.js';

describe('summaryLines', () => {
  it('is one line for a successful run', () => {
    expect(summaryLines(snapshotOf('succeeded', {}), noPaint, { interrupted: false })).toEqual([
      '✓ acme/demo/ci succeeded in 3.2s (run r1)',
    ]);
  });

  it('lists failed, timed out and cancelled jobs with their reasons', () => {
    const snapshot = snapshotOf(
      'failed',
      {
        'build.compile.version': { status: 'timed_out', reason: 'timed out after 10s' },
        'build.compile.artifact': { status: 'cancelled', reason: 'run cancelled' },
      },
      'stage "build" failed',
    );
    expect(unsuccessfulJobs(snapshot).map((j) => j.path)).toEqual([
      'build.compile.version',
      'build.compile.artifact',
    ]);
    expect(summaryLines(snapshot, noPaint, { interrupted: false })).toEqual([
      '✗ acme/demo/ci failed in 3.2s (run r1)',
      '  stage "build" failed',
      '  ⏱ build.compile.version: timed out after 10s',
      '  ⊘ build.compile.artifact: run cancelled',
    ]);
  });

  it('says the user interrupted it', () => {
    const lines = summaryLines(snapshotOf('cancelled', {}, 'run cancelled: by the user'), noPaint, {
      interrupted: true,
    });
    expect(lines).toEqual([
      '⊘ acme/demo/ci cancelled in 3.2s (run r1)',
      '  interrupted by the user',
    ]);
  });
});
