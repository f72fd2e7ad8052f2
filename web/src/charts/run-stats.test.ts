import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../api/types.js';
import { chronological, quantile, runStats } from './run-stats.js';

const run = (id: string, status: RunSummary['status'], durationMs: number | null, at: number) =>
  ({ id, status, durationMs, createdAt: new Date(at).toISOString() }) as RunSummary;

describe('run statistics', () => {
  it('takes nearest-rank quantiles', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([quantile(ten, 0.5), quantile(ten, 0.9), quantile(ten, 1)]).toEqual([5, 9, 10]);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('counts only finished runs in the success rate and durations', () => {
    const stats = runStats([
      run('a', 'SUCCEEDED', 1000, 1),
      run('b', 'FAILED', 3000, 2),
      run('c', 'SUCCEEDED', 2000, 3),
      run('d', 'RUNNING', null, 4),
      run('e', 'CANCELLED', 500, 5),
    ]);
    expect(stats).toEqual({ finished: 4, successRate: 0.5, medianMs: 1000, p90Ms: 3000 });
    expect(runStats([run('x', 'QUEUED', null, 1)])).toEqual({ finished: 0 });
  });

  it('orders runs oldest first for the chart', () => {
    const ids = chronological([run('new', 'SUCCEEDED', 1, 9), run('old', 'FAILED', 1, 1)]);
    expect(ids.map((r) => r.id)).toEqual(['old', 'new']);
  });
});
