/**
 * Aggregates for the dashboard's charts, each bounded and served by an index of the runs table:
 *
 * - run activity: runs created per hour over the last 1–168 hours and how they ended, grouped in
 *   SQL (`ix_runs_org_created`, or `ix_runs_created` for a site administrator across every
 *   organisation): one row per hour and status comes back, never one per run;
 * - slowest jobs: per job path, the median and longest duration over a workflow's last finished
 *   runs (at most 100, read newest first through `ix_runs_workflow_created`);
 * - load: per hour, the most runs queued and running at once (a SQL sweep over the runs that ended
 *   in the window or have not ended, through `ix_runs_finished`; ended hours kept: run-load.ts);
 * - job load: per hour, the most job attempts running at once and how many started, in all and per
 *   orchestrator (a sweep over `job_attempts`, one statement per hour: job-load.ts).
 *
 * Only runs the caller may view are counted.
 */
import type { RunSnapshot, RunStatus } from '@containerops/core';
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';
import { viewableOrganizations } from './authz.js';
import type { Principal } from './contracts.js';
import { badInput } from './errors.js';
import { JobLoadReader } from './job-load.js';
import type { JobLoadBucket } from './job-load.js';
import { RunLoadReader } from './run-load.js';
import type { RunLoadBucket } from './run-load.js';

export type { JobLoadBucket, OrchestratorLoad } from './job-load.js';
export type { RunLoadBucket } from './run-load.js';

const HOUR_MS = 3_600_000;
export const ACTIVITY_MAX_HOURS = 168;
export const SLOWEST_MAX_RUNS = 100;
export const SLOWEST_MAX_JOBS = 50;
/** Stored statuses are the engine's (lower case). */
const FAILED = new Set<string>(['failed', 'timed_out'] satisfies RunStatus[]);
const ENDED: RunStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled'];

/** Runs created in one hour, and how many of those have succeeded or failed so far. */
export interface RunActivityBucket {
  /** Start of the hour, ms since the epoch (UTC hours). */
  readonly start: number;
  readonly created: number;
  readonly succeeded: number;
  /** Failed or timed out. */
  readonly failed: number;
}

/** One job path's durations over a workflow's recent finished runs. */
export interface JobDurationStats {
  readonly path: string;
  /** How many of those runs ran this job to an end. */
  readonly runs: number;
  readonly medianMs: number;
  readonly maxMs: number;
}

export class RunInsightsService {
  private readonly loadReader: RunLoadReader;
  private readonly jobLoadReader: JobLoadReader;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.loadReader = new RunLoadReader(db);
    this.jobLoadReader = new JobLoadReader(db);
  }

  /**
   * Viewer. One bucket per hour for the last `hours` hours (the current one last), zeros
   * included. @throws BAD_USER_INPUT when `hours` is not 1–168.
   */
  async activity(p: Principal, hours: number, organization?: string): Promise<RunActivityBucket[]> {
    if (!Number.isInteger(hours) || hours < 1 || hours > ACTIVITY_MAX_HOURS) {
      throw badInput(`hours must be from 1 to ${ACTIVITY_MAX_HOURS}`);
    }
    const last = Math.floor(this.now() / HOUR_MS) * HOUR_MS;
    const since = last - (hours - 1) * HOUR_MS;
    const buckets = new Map<number, { created: number; succeeded: number; failed: number }>();
    for (let start = since; start <= last; start += HOUR_MS) {
      buckets.set(start, { created: 0, succeeded: 0, failed: 0 });
    }
    const orgs = this.scope(p, organization);
    if (orgs === null) return toBuckets(buckets);
    // `created_at - created_at % H` is the hour's start on SQLite, PostgreSQL and MySQL alike
    // (integer BIGINT arithmetic everywhere): no dialect's date functions needed.
    const qb = this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select(`r.createdAt - (r.createdAt % ${HOUR_MS})`, 'hour')
      .addSelect('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('r.createdAt >= :since', { since });
    if (orgs !== undefined) qb.andWhere('r.organization IN (:...orgs)', { orgs });
    const rows = await qb
      .groupBy('hour')
      .addGroupBy('r.status')
      .getRawMany<{ hour: string | number; status: string; n: string | number }>();
    for (const row of rows) {
      const bucket = buckets.get(Number(row.hour));
      if (bucket === undefined) continue; // created in the future (clock skew): not charted
      const n = Number(row.n);
      bucket.created += n;
      if (row.status === 'succeeded') bucket.succeeded += n;
      if (FAILED.has(row.status)) bucket.failed += n;
    }
    return toBuckets(buckets);
  }

  /**
   * Viewer. Queue depth and running runs: one bucket per hour for the last `hours` hours (the
   * current one last), each with the most runs queued and running at once in that hour.
   * @throws BAD_USER_INPUT when `hours` is not 1–168.
   */
  async load(p: Principal, hours: number, organization?: string): Promise<RunLoadBucket[]> {
    if (!Number.isInteger(hours) || hours < 1 || hours > ACTIVITY_MAX_HOURS) {
      throw badInput(`hours must be from 1 to ${ACTIVITY_MAX_HOURS}`);
    }
    const now = this.now();
    const last = Math.floor(now / HOUR_MS) * HOUR_MS;
    const since = last - (hours - 1) * HOUR_MS;
    const orgs = this.scope(p, organization);
    if (orgs === null) {
      const empty: RunLoadBucket[] = [];
      for (let start = since; start <= last; start += HOUR_MS) {
        empty.push({ start, maxQueued: 0, maxRunning: 0 });
      }
      return empty;
    }
    return this.loadReader.read(since, last, orgs, now);
  }

  /**
   * Viewer. Running jobs and per-orchestrator load: one bucket per hour for the last `hours` hours
   * (the current one last), each with the most job attempts running at once and how many started,
   * in all and per orchestrator. @throws BAD_USER_INPUT when `hours` is not 1–168.
   */
  async jobLoad(p: Principal, hours: number, organization?: string): Promise<JobLoadBucket[]> {
    if (!Number.isInteger(hours) || hours < 1 || hours > ACTIVITY_MAX_HOURS) {
      throw badInput(`hours must be from 1 to ${ACTIVITY_MAX_HOURS}`);
    }
    const now = this.now();
    const last = Math.floor(now / HOUR_MS) * HOUR_MS;
    const since = last - (hours - 1) * HOUR_MS;
    const orgs = this.scope(p, organization);
    if (orgs === null) {
      const empty: JobLoadBucket[] = [];
      for (let start = since; start <= last; start += HOUR_MS) {
        empty.push({ start, started: 0, maxRunning: 0, orchestrators: [] });
      }
      return empty;
    }
    return this.jobLoadReader.read(since, last, orgs, now);
  }

  /**
   * Viewer. The `limit` job paths with the longest median duration over the workflow's last
   * `lastRuns` finished runs (≤ 100), slowest first.
   */
  async slowestJobs(
    p: Principal,
    workflowUri: string,
    lastRuns = SLOWEST_MAX_RUNS,
    limit = 10,
  ): Promise<JobDurationStats[]> {
    if (!Number.isInteger(lastRuns) || lastRuns < 1 || lastRuns > SLOWEST_MAX_RUNS) {
      throw badInput(`lastRuns must be from 1 to ${SLOWEST_MAX_RUNS}`);
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > SLOWEST_MAX_JOBS) {
      throw badInput(`limit must be from 1 to ${SLOWEST_MAX_JOBS}`);
    }
    const orgs = this.scope(p, undefined);
    if (orgs === null) return [];
    const qb = this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select('r.snapshot', 'snapshot')
      .where('r.workflowUri = :uri', { uri: workflowUri })
      .andWhere('r.status IN (:...ended)', { ended: ENDED })
      .andWhere('r.snapshot IS NOT NULL');
    if (orgs !== undefined) qb.andWhere('r.organization IN (:...orgs)', { orgs });
    const rows = await qb
      .orderBy('r.createdAt', 'DESC')
      .limit(lastRuns)
      .getRawMany<{ snapshot: string }>();
    const durations = new Map<string, number[]>();
    for (const row of rows) {
      for (const [path, ms] of jobDurations(JSON.parse(row.snapshot) as RunSnapshot)) {
        const list = durations.get(path) ?? [];
        list.push(ms);
        durations.set(path, list);
      }
    }
    return [...durations]
      .map(([path, list]) => {
        const sorted = list.sort((a, b) => a - b);
        return {
          path,
          runs: sorted.length,
          medianMs: sorted[Math.ceil(sorted.length / 2) - 1] ?? 0,
          maxMs: sorted[sorted.length - 1] ?? 0,
        };
      })
      .sort((a, b) => b.medianMs - a.medianMs || a.path.localeCompare(b.path))
      .slice(0, limit);
  }

  /** The organisations to count (undefined: all), or null when the caller may view none. */
  private scope(
    p: Principal,
    organization: string | undefined,
  ): readonly string[] | null | undefined {
    const viewable = viewableOrganizations(p);
    if (organization === undefined)
      return viewable !== undefined && viewable.length === 0 ? null : viewable;
    if (viewable !== undefined && !viewable.includes(organization)) return null;
    return [organization];
  }
}

function toBuckets(
  buckets: Map<number, { created: number; succeeded: number; failed: number }>,
): RunActivityBucket[] {
  return [...buckets].map(([start, b]) => ({ start, ...b }));
}

/** Each job that ran to an end in a run, with how long it ran. */
function* jobDurations(snapshot: RunSnapshot): Generator<[string, number]> {
  for (const stage of snapshot.stages ?? []) {
    for (const action of stage.actions ?? []) {
      for (const job of action.jobs ?? []) {
        if (job.startedAt !== undefined && job.finishedAt !== undefined) {
          yield [job.path, Math.max(0, job.finishedAt - job.startedAt)];
        }
      }
    }
  }
}
