import { describe, expect, it } from 'vitest';
import type { RunSummary, RunUpdate } from '../api/types.js';
import { activeRuns, applyUpdate, createFeed, recentRuns } from './runs-feed.js';

function run(
  id: string,
  status: RunSummary['status'],
  lastSeq: number,
  createdAt: string,
): RunSummary {
  return {
    id,
    workflowUri: 'a/b/c',
    organization: 'a',
    workflowVersion: 1,
    status,
    reason: null,
    createdAt,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    triggerType: 'manual',
    triggeredBy: 'alice',
    lastSeq,
  };
}

function update(r: RunSummary): RunUpdate<RunSummary> {
  return {
    event: {
      seq: r.lastSeq,
      runId: r.id,
      time: r.createdAt,
      scope: 'RUN',
      path: '',
      status: r.status.toLowerCase(),
      reason: null,
    },
    run: r,
  };
}

describe('runs feed', () => {
  it('applies newer updates and adds new runs', () => {
    const feed = createFeed([run('r1', 'RUNNING', 5, '2026-01-01T00:00:01Z')]);
    expect(applyUpdate(feed, update(run('r1', 'SUCCEEDED', 9, '2026-01-01T00:00:01Z')))).toBe(true);
    expect(applyUpdate(feed, update(run('r2', 'QUEUED', 10, '2026-01-01T00:00:02Z')))).toBe(true);
    expect(recentRuns(feed).map((r) => `${r.id}:${r.status}`)).toEqual([
      'r2:QUEUED',
      'r1:SUCCEEDED',
    ]);
    expect(activeRuns(feed).map((r) => r.id)).toEqual(['r2']);
    expect(feed.lastSeq).toBe(10);
  });

  it('ignores replayed (stale) updates', () => {
    const feed = createFeed([run('r1', 'SUCCEEDED', 9, '2026-01-01T00:00:01Z')]);
    expect(applyUpdate(feed, update(run('r1', 'RUNNING', 5, '2026-01-01T00:00:01Z')))).toBe(false);
    expect(feed.runs.get('r1')?.status).toBe('SUCCEEDED');
  });

  it("resumes from the runs query's lastSeq, even when no run is shown", () => {
    expect(createFeed([], 12_345).lastSeq).toBe(12_345);
    expect(createFeed([run('r1', 'SUCCEEDED', 9, '2026-01-01T00:00:01Z')], 40).lastSeq).toBe(40);
  });
});
