/**
 * Which job a run page opens on before the user picks one, the way CI users expect: the job that
 * is running (the one they came to watch), else the first one that failed (the one to fix), else
 * the last one that ran (how it ended). Pure: the page calls it again on every update, so a live
 * run's panel follows the running job until the user picks one.
 */
import type { NodeStatus } from '../api/types.js';

const FAILED: readonly NodeStatus[] = ['FAILED', 'TIMED_OUT'];
const NOT_RUN: readonly NodeStatus[] = ['PENDING', 'SKIPPED'];

/** The path of the job to show, from jobs in run order; undefined when none has started. */
export function defaultJobPath(
  jobs: readonly { readonly path: string; readonly status: NodeStatus }[],
): string | undefined {
  const running = jobs.find((j) => j.status === 'RUNNING');
  if (running) return running.path;
  const failed = jobs.find((j) => FAILED.includes(j.status));
  if (failed) return failed.path;
  return jobs.findLast((j) => !NOT_RUN.includes(j.status))?.path;
}
