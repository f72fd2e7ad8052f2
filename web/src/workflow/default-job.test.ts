import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../api/types.js';
import { defaultJobPath } from './default-job.js';

const jobs = (...statuses: NodeStatus[]) =>
  statuses.map((status, i) => ({ path: `j${i}`, status }));

describe('the job a run page opens on', () => {
  it('is the running job first', () => {
    expect(defaultJobPath(jobs('FAILED', 'SUCCEEDED', 'RUNNING', 'PENDING'))).toBe('j2');
  });
  it('else the first failed or timed-out job', () => {
    expect(defaultJobPath(jobs('SUCCEEDED', 'TIMED_OUT', 'FAILED', 'SKIPPED'))).toBe('j1');
  });
  it('else the last job that ran', () => {
    expect(defaultJobPath(jobs('SUCCEEDED', 'CANCELLED', 'SKIPPED', 'PENDING'))).toBe('j1');
  });
  it('is none before any job started', () => {
    expect(defaultJobPath(jobs('PENDING', 'PENDING'))).toBeUndefined();
    expect(defaultJobPath([])).toBeUndefined();
  });
});
