/**
 * A run's timeline (Gantt) as chart data: one row per job that started, a bar from its start to
 * its end (to `now` while it runs), and the run's own wait in the queue as the first row. Times
 * are seconds since the run was created. Pure: the component turns this into chart options.
 */
import type { Run } from '../api/types.js';

export interface TimelineRow {
  /** `stage.action.job`, or "queued" for the run's wait before it started. */
  readonly label: string;
  readonly status: string;
  /** Seconds since the run was created. */
  readonly start: number;
  readonly end: number;
  readonly running: boolean;
}

export function timelineRows(run: Run, now: number): TimelineRow[] {
  const origin = Date.parse(run.createdAt);
  const at = (iso: string | null): number | undefined =>
    iso === null ? undefined : (Date.parse(iso) - origin) / 1000;
  const rows: TimelineRow[] = [];
  const started = at(run.startedAt);
  const nowS = (now - origin) / 1000;
  if (started !== undefined && started > 0) {
    rows.push({ label: 'queued', status: 'QUEUED', start: 0, end: started, running: false });
  }
  for (const stage of run.stages) {
    for (const action of stage.actions) {
      for (const job of action.jobs) {
        const start = at(job.startedAt);
        if (start === undefined) continue;
        const end = at(job.finishedAt);
        rows.push({
          label: job.path,
          status: job.status,
          start,
          end: Math.max(start, end ?? nowS),
          running: end === undefined,
        });
      }
    }
  }
  return rows;
}
