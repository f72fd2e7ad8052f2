/**
 * The summary printed when a run ends: its status and duration, then every job that did not
 * succeed with its reason; under a fan-out job, its failed instances by name (at most
 * FAILED_NAMES_SHOWN, then "and N more").
 */
import type { JobRunSnapshot, RunSnapshot } from '@containerops/core';
import type { FanOutView } from './fan-out-view.js';
import type { Paint } from './style.js';
import { formatDuration, statusColour, statusSymbol, statusWord } from './style.js';

/** Jobs that failed, timed out or were cancelled, in workflow order. */
export function unsuccessfulJobs(snapshot: RunSnapshot): JobRunSnapshot[] {
  return snapshot.stages.flatMap((s) =>
    s.actions.flatMap((a) =>
      a.jobs.filter(
        (j) => j.status === 'failed' || j.status === 'timed_out' || j.status === 'cancelled',
      ),
    ),
  );
}

/** Wall-clock duration of the run in ms, or undefined if it never started. */
export function runDuration(snapshot: RunSnapshot): number | undefined {
  const start = snapshot.startedAt ?? snapshot.createdAt;
  return snapshot.finishedAt === undefined ? undefined : snapshot.finishedAt - start;
}

export interface SummaryOptions {
  readonly interrupted: boolean;
  /** The live view's fan-outs by job path: their failed instances are named under the job. */
  readonly fanOuts?: ReadonlyMap<string, FanOutView>;
}

/** The summary as lines (no trailing newlines). */
export function summaryLines(
  snapshot: RunSnapshot,
  paint: Paint,
  options: SummaryOptions,
): string[] {
  const status = snapshot.status;
  const duration = runDuration(snapshot);
  const head =
    `${paint(statusColour(status), statusSymbol(status))} ${paint('bold', snapshot.workflow)} ` +
    `${paint(statusColour(status), statusWord(status))}` +
    (duration === undefined ? '' : ` in ${formatDuration(duration)}`) +
    paint('gray', ` (run ${snapshot.runId})`);
  const lines = [head];
  if (status === 'succeeded') return lines;
  const jobs = unsuccessfulJobs(snapshot);
  const why = options.interrupted ? 'interrupted by the user' : snapshot.reason;
  // The engine often gives the failed job's own line as the run's reason: do not say it twice.
  const repeatsJob = why !== undefined && jobs.some((j) => why.startsWith(`${j.path}:`));
  if (why !== undefined && why !== '' && !repeatsJob) lines.push(`  ${why}`);
  for (const job of jobs) {
    const attempts = job.attempt > 1 ? paint('gray', ` (attempt ${job.attempt})`) : '';
    lines.push(
      `  ${paint(statusColour(job.status), statusSymbol(job.status))} ${job.path}: ` +
        `${job.reason ?? statusWord(job.status)}${attempts}`,
    );
    const fan = options.fanOuts?.get(job.path);
    if (fan !== undefined) lines.push(...failedInstanceLines(fan, paint));
  }
  return lines;
}

function failedInstanceLines(fan: FanOutView, paint: Paint): string[] {
  const lines = fan.failedNames.map(
    (f) =>
      `      ${paint(statusColour(f.status), statusSymbol(f.status))} ${f.name}` +
      (f.reason === undefined ? '' : `: ${f.reason}`),
  );
  if (fan.moreFailed > 0) lines.push(paint('gray', `      … and ${fan.moreFailed} more`));
  return lines;
}
