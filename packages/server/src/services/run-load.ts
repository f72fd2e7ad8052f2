/**
 * Queue depth and running runs over time, for the overview's load chart: per hour, the most runs
 * that were queued at once and the most that were running at once.
 *
 * Worked out in SQL as a sweep: each relevant run contributes +1/−1 points (queued at
 * `created_at`, leaves the queue at `started_at` — or at `finished_at` when it was cancelled
 * before starting —, runs from `started_at` to `finished_at`); a running `SUM() OVER (ORDER BY t)`
 * gives the level after each point, and one row per hour comes back with that hour's highest level
 * and its net change. Window functions exist in every dialect we run on (SQLite ≥ 3.25,
 * PostgreSQL, MariaDB ≥ 10.2, MySQL 8, TiDB), so the statement is the same everywhere.
 *
 * The sweep sorts every point of the window (~0.4 s on SQLite for 100,000 runs in it: see
 * bench/README.md), so {@link RunLoadReader} keeps the hours that have ended — their levels can no
 * longer change — and then only sweeps from the first hour it does not hold, usually the current
 * one, whose relevant runs are the few that ended in it or are still unfinished.
 *
 * Relevant runs are those that ended in the window or have not ended (`finished_at >= since`,
 * `finished_at IS NULL`): both are range reads of `ix_runs_finished`, so a run that ended before the
 * window is never read, however many there are. Runs that started before the window fall into one
 * "before" group whose net change is the level the window starts at.
 *
 * Running jobs and per-orchestrator load are a sweep over `job_attempts`: job-load.ts.
 */
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';
import { EndedHours, HOUR_MS } from './ended-hours.js';

/** Ended hours older than the longest window (7 days) are dropped. */
const KEEP_HOURS = 168;

/** The busiest moments of one hour. */
export interface RunLoadBucket {
  /** Start of the hour, ms since the epoch (UTC hours). */
  readonly start: number;
  /** The most runs waiting to start at any moment of the hour. */
  readonly maxQueued: number;
  /** The most runs started and not yet ended at any moment of the hour. */
  readonly maxRunning: number;
}

interface LoadRow {
  bucket: string | number;
  max_q: string | number | null;
  sum_q: string | number | null;
  max_r: string | number | null;
  sum_r: string | number | null;
}

/**
 * One bucket per hour from `since` to `last` (both hour starts, `last` included), counting runs of
 * `orgs` (undefined: every organisation; callers pass null-free, non-empty lists).
 */
export async function runLoad(
  db: Database,
  since: number,
  last: number,
  orgs: readonly string[] | undefined,
): Promise<RunLoadBucket[]> {
  const end = last + HOUR_MS;
  // Bounds are integers computed here, not input: inlined as literals so every driver reads them
  // as BIGINT (PostgreSQL cannot type a bare parameter inside CASE). Organisations are parameters.
  const org = orgs === undefined ? '' : ' AND organization IN (:...orgs)';
  const runs = runsTable(db);
  // Each run gives up to three points, read in one pass (a run's start both ends its wait and
  // begins its running): 1 = created (queued +1), 2 = started or, never started, ended
  // (queued −1, running +1 if it started), 3 = ended after starting (running −1).
  const sql = `
    WITH ev AS (
      SELECT CASE k.n WHEN 1 THEN r.created_at WHEN 2 THEN COALESCE(r.started_at, r.finished_at)
               ELSE r.finished_at END AS t,
             CASE k.n WHEN 1 THEN 1 WHEN 2 THEN -1 ELSE 0 END AS dq,
             CASE k.n WHEN 1 THEN 0 WHEN 2 THEN CASE WHEN r.started_at IS NULL THEN 0 ELSE 1 END
               ELSE -1 END AS dr
      FROM (SELECT created_at, started_at, finished_at FROM ${runs}
              WHERE finished_at >= ${since} AND created_at < ${end}${org}
            UNION ALL
            SELECT created_at, started_at, finished_at FROM ${runs}
              WHERE finished_at IS NULL AND created_at < ${end}${org}) r
      CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3) k
      WHERE k.n = 1 OR (k.n = 2 AND COALESCE(r.started_at, r.finished_at) IS NOT NULL)
        OR (k.n = 3 AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL)
    ), lv AS (
      SELECT t, dq, dr, SUM(dq) OVER w AS q, SUM(dr) OVER w AS r
      FROM ev WINDOW w AS (ORDER BY t, dq + dr ROWS UNBOUNDED PRECEDING)
    )
    SELECT CASE WHEN t < ${since} THEN ${since - HOUR_MS} ELSE t - (t % ${HOUR_MS}) END AS bucket,
      MAX(q) AS max_q, SUM(dq) AS sum_q, MAX(r) AS max_r, SUM(dr) AS sum_r
    FROM lv
    GROUP BY CASE WHEN t < ${since} THEN ${since - HOUR_MS} ELSE t - (t % ${HOUR_MS}) END`;
  // Ordering by (t, delta) puts an instant's departures before its arrivals, so a run that ends
  // as the next one starts is not counted twice. ROWS, not the default RANGE: peers need no
  // grouping (arrivals at one instant reach their full level on the last of them; departures only
  // go below a level already counted).
  const [query, params] = db.dataSource.driver.escapeQueryWithParameters(
    sql,
    orgs === undefined ? {} : { orgs },
  );
  const rows = (await db.manager.query(query, params)) as LoadRow[];
  return foldLoad(rows, since, last);
}

/**
 * {@link runLoad} with the ended hours of each scope kept in memory (see ended-hours.ts).
 */
export class RunLoadReader {
  // The window's first hour opens with nothing carried over: the hour before it is not needed.
  private readonly hours = new EndedHours<RunLoadBucket>(KEEP_HOURS - 1);

  constructor(private readonly db: Database) {}

  /** Same contract as {@link runLoad}; `now` decides which hours have ended. */
  read(
    since: number,
    last: number,
    orgs: readonly string[] | undefined,
    now: number,
  ): Promise<RunLoadBucket[]> {
    return this.hours.read(
      since,
      last,
      orgs,
      now,
      (bucket) => bucket.start,
      (from) => runLoad(this.db, from, last, orgs),
    );
  }
}

/** The runs table as a raw statement must name it: schema-qualified where one is configured. */
function runsTable(db: Database): string {
  const { driver } = db.dataSource;
  const meta = db.dataSource.getMetadata(RunEntity);
  const table = driver.escape(meta.tableName);
  return meta.schema === undefined ? table : `${driver.escape(meta.schema)}.${table}`;
}

/** Hour rows into one bucket per hour, carrying each hour's closing level into the next. */
function foldLoad(rows: readonly LoadRow[], since: number, last: number): RunLoadBucket[] {
  const byHour = new Map(rows.map((row) => [Number(row.bucket), row]));
  const before = byHour.get(since - HOUR_MS);
  let queued = Number(before?.sum_q ?? 0);
  let running = Number(before?.sum_r ?? 0);
  const buckets: RunLoadBucket[] = [];
  for (let start = since; start <= last; start += HOUR_MS) {
    const row = byHour.get(start);
    // The level the hour opens with counts too: a run queued all hour long had no point in it.
    const maxQueued = Math.max(queued, row === undefined ? 0 : Number(row.max_q ?? 0));
    const maxRunning = Math.max(running, row === undefined ? 0 : Number(row.max_r ?? 0));
    queued += Number(row?.sum_q ?? 0);
    running += Number(row?.sum_r ?? 0);
    buckets.push({ start, maxQueued, maxRunning });
  }
  return buckets;
}
