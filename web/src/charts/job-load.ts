/**
 * The overview's job-load charts as numbers (`jobLoad` buckets): the orchestrators seen, each
 * one's peak and starts over the window, one series per orchestrator, and the text alternatives
 * of both charts. Pure.
 */
import type { JobLoadBucket } from '../api/types.js';

/** One orchestrator over the whole window. */
export interface OrchestratorTotals {
  readonly orchestrator: string;
  /** The most job attempts running on it at once. */
  readonly peak: number;
  /** Job attempts started on it. */
  readonly started: number;
}

/** Every orchestrator that appears in `buckets`, by name, with its peak and starts. */
export function orchestratorTotals(buckets: readonly JobLoadBucket[]): OrchestratorTotals[] {
  const totals = new Map<string, { peak: number; started: number }>();
  for (const bucket of buckets) {
    for (const o of bucket.orchestrators) {
      const t = totals.get(o.orchestrator) ?? { peak: 0, started: 0 };
      t.peak = Math.max(t.peak, o.maxRunning);
      t.started += o.started;
      totals.set(o.orchestrator, t);
    }
  }
  return [...totals]
    .map(([orchestrator, t]) => ({ orchestrator, ...t }))
    .sort((a, b) => a.orchestrator.localeCompare(b.orchestrator));
}

/** Per bucket, the most running on `orchestrator` (0 where it did nothing). */
export function orchestratorSeries(
  buckets: readonly JobLoadBucket[],
  orchestrator: string,
): number[] {
  return buckets.map(
    (b) => b.orchestrators.find((o) => o.orchestrator === orchestrator)?.maxRunning ?? 0,
  );
}

/** The running-jobs chart in words. */
export function runningJobsSummary(buckets: readonly JobLoadBucket[], period: string): string {
  const peak = Math.max(0, ...buckets.map((b) => b.maxRunning));
  const started = buckets.reduce((n, b) => n + b.started, 0);
  return (
    `Over the last ${period}, ${started} job ${started === 1 ? 'attempt' : 'attempts'} ` +
    `started and at most ${peak} ran at once.`
  );
}

/** The per-orchestrator chart in words. */
export function orchestratorLoadSummary(
  totals: readonly OrchestratorTotals[],
  period: string,
): string {
  if (totals.length === 0) return `No job ran on any orchestrator over the last ${period}.`;
  const each = totals.map(
    (t) => `${t.orchestrator}: at most ${t.peak} running at once, ${t.started} started`,
  );
  return `Over the last ${period}, ${each.join('; ')}.`;
}
