import { describe, expect, it } from 'vitest';
import { findJob } from './job-lookup.js';
import type { JobRunSnapshot, RunSnapshot } from './snapshot.js';

function run(): Pick<RunSnapshot, 'stages'> {
  const fanOutJob: JobRunSnapshot = {
    name: 'test',
    path: 's.a.test',
    status: 'running',
    attempt: 1,
    outputs: {},
    fanOut: {
      total: 4,
      started: 3,
      passed: 1,
      failed: 1,
      skipped: 0,
      instances: [
        { name: 'test[0]', status: 'succeeded', attempt: 1, exitCode: 0, outputs: { n: '0' } },
        { name: 'test[1]', status: 'failed', attempt: 2, exitCode: 1, reason: 'exit 1' },
      ],
      active: {
        'test[2]': {
          name: 'test[2]',
          path: 's.a.test[2]',
          status: 'running',
          attempt: 1,
          outputs: { partial: 'yes' },
        },
      },
    },
  };
  const plain: JobRunSnapshot = {
    name: 'split',
    path: 's.a.split',
    status: 'succeeded',
    attempt: 1,
    outputs: {},
  };
  return {
    stages: [
      {
        name: 's',
        type: 'normal',
        status: 'running',
        actions: [{ name: 'a', path: 's.a', status: 'running', jobs: [plain, fanOutJob] }],
      },
    ],
  } as unknown as Pick<RunSnapshot, 'stages'>;
}

describe('findJob', () => {
  it('finds a job of the tree by path', () => {
    const found = findJob(run(), 's.a.split');
    expect(found?.kind).toBe('job');
    expect(found?.kind === 'job' && found.job.name).toBe('split');
  });

  it('finds a running instance with its outputs so far', () => {
    const found = findJob(run(), 's.a.test[2]');
    expect(found).toMatchObject({
      kind: 'instance',
      instance: { path: 's.a.test[2]', status: 'running', attempt: 1, outputs: { partial: 'yes' } },
      fanOutJob: { path: 's.a.test' },
    });
  });

  it('finds an ended instance with its latest attempt and kept outputs', () => {
    expect(findJob(run(), 's.a.test[1]')).toMatchObject({
      kind: 'instance',
      instance: { status: 'failed', attempt: 2, exitCode: 1 },
    });
    expect(findJob(run(), 's.a.test[0]')).toMatchObject({
      instance: { status: 'succeeded', outputs: { n: '0' } },
    });
  });

  it('finds nothing for a path naming no job or instance', () => {
    for (const path of [
      's.a.nope',
      's.a.test[3]', // in the list, not started
      's.a.test[9]', // beyond the list
      's.a.split[0]', // split does not fan out
      's.a.test[x=1]',
      's.b.test[0]',
    ])
      expect(findJob(run(), path), path).toBeUndefined();
  });
});
