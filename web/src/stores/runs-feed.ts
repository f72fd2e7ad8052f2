/**
 * Live list of runs (overview, a workflow's history): the runs first loaded, then every
 * `runUpdates` message applied in place. Updates are idempotent: a replayed or stale update
 * (its `lastSeq` not newer than what is shown) changes nothing, so reconnects are safe.
 */
import type { RunSummary, RunUpdate } from '../api/types.js';

export const ACTIVE_STATUSES: readonly RunSummary['status'][] = ['QUEUED', 'RUNNING', 'WAITING'];

export interface RunsFeed {
  /** By run id. */
  readonly runs: Map<string, RunSummary>;
  /** Highest event seq applied (resume point for a new subscription). */
  lastSeq: number;
}

/**
 * `since` is the runs query's own `lastSeq` (the highest event seq when the page was read): a
 * subscription resumed from it misses no change. Without it, the newest run's seq is the guess.
 */
export function createFeed(initial: readonly RunSummary[], since?: number): RunsFeed {
  const runs = new Map(initial.map((r) => [r.id, r]));
  const lastSeq = since ?? initial.reduce((max, r) => Math.max(max, r.lastSeq), 0);
  return { runs, lastSeq };
}

/** Applies one update; returns true when something shown changed. */
export function applyUpdate(feed: RunsFeed, update: RunUpdate<RunSummary>): boolean {
  feed.lastSeq = Math.max(feed.lastSeq, update.event.seq);
  const current = feed.runs.get(update.run.id);
  if (current !== undefined && current.lastSeq >= update.run.lastSeq) return false;
  feed.runs.set(update.run.id, update.run);
  return true;
}

/** Newest first. */
export function recentRuns(feed: RunsFeed, limit = 20): RunSummary[] {
  return [...feed.runs.values()]
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, limit);
}

export function activeRuns(feed: RunsFeed): RunSummary[] {
  return recentRuns(feed, Number.MAX_SAFE_INTEGER).filter((r) =>
    ACTIVE_STATUSES.includes(r.status),
  );
}
