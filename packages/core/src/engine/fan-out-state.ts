/**
 * How an ended fan-out instance is kept: folded into its fan-out's counts as one compact
 * summary, its full node dropped. Shared by the live state (run-state.ts) and the rebuild from
 * events after a restart (run-replay.ts), so both end with the same snapshot.
 */
import type { FanOutSnapshot, InstanceSummary, JobRunSnapshot } from './snapshot.js';

/** An empty fan-out record; `total` is known once the fan-out job reads its combinations. */
export function newFanOut(total = 0): FanOutSnapshot {
  return { total, started: 0, passed: 0, failed: 0, skipped: 0, instances: [], active: {} };
}

/**
 * Moves ended instance `node` out of `fan.active` into `fan.instances` and the counts.
 * `keepOutputs`: keep a succeeded instance's outputs (the job declares outputs).
 */
export function foldInstance(
  fan: FanOutSnapshot,
  node: JobRunSnapshot,
  keepOutputs: boolean,
): InstanceSummary {
  delete fan.active[node.name];
  const summary: { -readonly [K in keyof InstanceSummary]: InstanceSummary[K] } = {
    name: node.name,
    status: node.status,
    attempt: node.attempt,
  };
  if (node.exitCode !== undefined) summary.exitCode = node.exitCode;
  if (node.startedAt !== undefined && node.finishedAt !== undefined)
    summary.durationMs = node.finishedAt - node.startedAt;
  if (node.reason !== undefined && node.status !== 'succeeded') summary.reason = node.reason;
  // Like a job's, a failed instance's outputs feed no data link.
  if (keepOutputs && node.status === 'succeeded' && Object.keys(node.outputs).length > 0)
    summary.outputs = node.outputs;
  // Frozen: copies of the run's snapshot share it (snapshot-copy.ts).
  fan.instances.push(Object.freeze(summary));
  if (node.status === 'succeeded') fan.passed += 1;
  else if (node.status === 'skipped') fan.skipped += 1;
  else fan.failed += 1;
  return summary;
}
