/**
 * A workflow's recent runs as numbers: success rate, median and 90th-percentile duration of the
 * finished ones, and one bar per run (oldest first) for the duration chart. Pure.
 */
import type { RunSummary } from '../api/types.js';

export interface RunStats {
  /** Runs that ended (succeeded, failed, timed out or cancelled). */
  readonly finished: number;
  /** Share of finished runs that succeeded, 0–1 (undefined when none finished). */
  readonly successRate?: number;
  readonly medianMs?: number;
  readonly p90Ms?: number;
}

const ENDED = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];

/** The value at fraction `q` of sorted `values` (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function runStats(runs: readonly RunSummary[]): RunStats {
  const ended = runs.filter((r) => ENDED.includes(r.status));
  const durations = ended
    .map((r) => r.durationMs)
    .filter((d): d is number => d !== null)
    .sort((a, b) => a - b);
  const succeeded = ended.filter((r) => r.status === 'SUCCEEDED').length;
  return {
    finished: ended.length,
    ...(ended.length > 0 ? { successRate: succeeded / ended.length } : {}),
    ...(durations.length > 0
      ? { medianMs: quantile(durations, 0.5), p90Ms: quantile(durations, 0.9) }
      : {}),
  };
}

/** Runs oldest first, for bars read left to right. */
export function chronological(runs: readonly RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}
