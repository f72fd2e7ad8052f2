import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types.js';
import { timelineRows } from './run-timeline.js';

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (s: number): string => new Date(t0 + s * 1000).toISOString();
const job = (path: string, status: string, start: number | null, end: number | null) => ({
  name: path,
  path,
  status,
  startedAt: start === null ? null : iso(start),
  finishedAt: end === null ? null : iso(end),
});

describe('run timeline', () => {
  const run = {
    createdAt: iso(0),
    startedAt: iso(2),
    stages: [
      {
        actions: [
          { jobs: [job('a.x.one', 'SUCCEEDED', 2, 5), job('a.x.two', 'RUNNING', 5, null)] },
        ],
      },
      { actions: [{ jobs: [job('b.y.later', 'PENDING', null, null)] }] },
    ],
  } as unknown as Run;

  it('shows the queue wait, then one bar per started job; a running one grows to now', () => {
    expect(timelineRows(run, t0 + 9000)).toEqual([
      { label: 'queued', status: 'QUEUED', start: 0, end: 2, running: false },
      { label: 'a.x.one', status: 'SUCCEEDED', start: 2, end: 5, running: false },
      { label: 'a.x.two', status: 'RUNNING', start: 5, end: 9, running: true },
    ]);
    expect(timelineRows(run, t0 + 12_000)[2]?.end).toBe(12);
  });
});
