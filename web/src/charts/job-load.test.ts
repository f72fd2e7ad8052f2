import { describe, expect, it } from 'vitest';
import type { JobLoadBucket } from '../api/types.js';
import {
  orchestratorLoadSummary,
  orchestratorSeries,
  orchestratorTotals,
  runningJobsSummary,
} from './job-load.js';

const buckets: JobLoadBucket[] = [
  {
    start: '2026-06-01T08:00:00.000Z',
    started: 4,
    maxRunning: 4,
    orchestrators: [
      { orchestrator: 'kubernetes', started: 1, maxRunning: 1 },
      { orchestrator: 'docker', started: 3, maxRunning: 3 },
    ],
  },
  { start: '2026-06-01T09:00:00.000Z', started: 0, maxRunning: 0, orchestrators: [] },
  {
    start: '2026-06-01T10:00:00.000Z',
    started: 2,
    maxRunning: 5,
    orchestrators: [{ orchestrator: 'kubernetes', started: 2, maxRunning: 5 }],
  },
];

describe('job load charts', () => {
  it('totals each orchestrator over the window, by name', () => {
    expect(orchestratorTotals(buckets)).toEqual([
      { orchestrator: 'docker', peak: 3, started: 3 },
      { orchestrator: 'kubernetes', peak: 5, started: 3 },
    ]);
  });

  it('gives one value per hour for each orchestrator, 0 where it did nothing', () => {
    expect(orchestratorSeries(buckets, 'docker')).toEqual([3, 0, 0]);
    expect(orchestratorSeries(buckets, 'kubernetes')).toEqual([1, 0, 5]);
  });

  it('says both charts in words', () => {
    expect(runningJobsSummary(buckets, '24 hours')).toBe(
      'Over the last 24 hours, 6 job attempts started and at most 5 ran at once.',
    );
    expect(orchestratorLoadSummary(orchestratorTotals(buckets), '7 days')).toBe(
      'Over the last 7 days, docker: at most 3 running at once, 3 started; ' +
        'kubernetes: at most 5 running at once, 3 started.',
    );
    expect(orchestratorLoadSummary([], '24 hours')).toBe(
      'No job ran on any orchestrator over the last 24 hours.',
    );
  });
});
