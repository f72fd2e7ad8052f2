/**
 * Running jobs and per-orchestrator load over time, for the overview's charts: per hour, the most
 * job attempts running at once (all orchestrators together, and on each) and how many started.
 * Read from `job_attempts` (db/job-attempt.entity.ts), which the run store writes with the events.
 *
 * A sweep like run-load.ts, one statement per hour, the same on every dialect: each attempt gives
 * +1 at its start and −1 at its end; `SUM() OVER (PARTITION BY orchestrator …)` is the change of
 * the level on its orchestrator since the hour began, `SUM() OVER (ORDER BY …)` on all of them;
 * one row per orchestrator comes back with the highest changes, the net change and the starts.
 * The hour's points are range reads of `ix_job_attempts_started` and `ix_job_attempts_finished`
 * (or their `_org_` forms for some organisations). The levels the hour opens with are carried from
 * the hour before; the first hour of a read counts them once (attempts started before it and not
 * ended before it).
 *
 * Why per hour, not the whole window in one statement: the cost is sorting the points, and a
 * window of 7 days on a busy server holds hundreds of thousands of attempts (bench/README.md). One
 * sort of all of them held SQLite's connection, and so the event loop, for seconds; per hour,
 * each statement sorts one hour's points and the event loop runs between them.
 *
 * As for runs, the hours that have ended are kept in memory ({@link JobLoadReader}) with the levels
 * they closed with: they can no longer change, so a repeated read sweeps only the current hour.
 */
import type { Database } from '../db/database.js';
import { jobAttemptsTable } from '../stores/job-attempt-writer.js';
import { EndedHours, HOUR_MS } from './ended-hours.js';

/** Ended hours older than the longest window (7 days) are dropped. */
const KEEP_HOURS = 168;

/** One orchestrator's share of an hour. */
export interface OrchestratorLoad {
  /** The orchestrator's name (`docker`, `kubernetes`, …) as the server that ran the jobs knew it. */
  readonly orchestrator: string;
  /** Job attempts started on it in the hour. */
  readonly started: number;
  /** The most attempts running on it at once at any moment of the hour. */
  readonly maxRunning: number;
}

/** Job attempts in one hour. */
export interface JobLoadBucket {
  /** Start of the hour, ms since the epoch (UTC hours). */
  readonly start: number;
  /** Job attempts started in the hour, on every orchestrator. */
  readonly started: number;
  /** The most attempts running at once at any moment of the hour, on every orchestrator. */
  readonly maxRunning: number;
  /** The orchestrators that started or ran an attempt in the hour, by name. */
  readonly orchestrators: readonly OrchestratorLoad[];
}

/** Running attempts per orchestrator at a moment. */
type Levels = ReadonlyMap<string, number>;

/** A swept hour and the levels it closed with (what the next hour opens with). */
interface SweptHour {
  readonly bucket: JobLoadBucket;
  readonly closing: Levels;
}

interface HourRow {
  o: string;
  max_o: string | number | null;
  max_a: string | number | null;
  net: string | number | null;
  started: string | number | null;
}

/** A statement's text with `:...orgs` expanded for the driver. */
function query(db: Database, sql: string, orgs: readonly string[] | undefined): Promise<unknown> {
  const [text, params] = db.dataSource.driver.escapeQueryWithParameters(
    sql,
    orgs === undefined ? {} : { orgs },
  );
  return db.manager.query(text, params);
}

/** Attempts running at `at` per orchestrator: started before it and not ended before it. */
async function levelsAt(
  db: Database,
  at: number,
  orgs: readonly string[] | undefined,
): Promise<Levels> {
  const org = orgs === undefined ? '' : ' AND organization IN (:...orgs)';
  const table = jobAttemptsTable(db);
  // Times are integers computed here, not input: inlined as literals (as in run-load.ts).
  const rows = (await query(
    db,
    `SELECT orchestrator AS o, COUNT(*) AS n FROM ${table}
       WHERE finished_at >= ${at} AND started_at < ${at}${org} GROUP BY orchestrator
     UNION ALL
     SELECT orchestrator AS o, COUNT(*) AS n FROM ${table}
       WHERE finished_at IS NULL AND started_at < ${at}${org} GROUP BY orchestrator`,
    orgs,
  )) as { o: string; n: string | number }[];
  const levels = new Map<string, number>();
  for (const row of rows) levels.set(row.o, (levels.get(row.o) ?? 0) + Number(row.n));
  return levels;
}

/** One hour from `start`, opening with `opening`. */
async function sweepHour(
  db: Database,
  start: number,
  opening: Levels,
  orgs: readonly string[] | undefined,
): Promise<SweptHour> {
  const end = start + HOUR_MS;
  const org = orgs === undefined ? '' : ' AND organization IN (:...orgs)';
  const table = jobAttemptsTable(db);
  // Ordering by (t, d) puts an instant's ends before its starts: a job that starts as another
  // ends is a hand-over, not two running at once. ROWS, not RANGE: see run-load.ts.
  const rows = (await query(
    db,
    `WITH ev AS (
       SELECT orchestrator AS o, started_at AS t, 1 AS d FROM ${table}
         WHERE started_at >= ${start} AND started_at < ${end}${org}
       UNION ALL
       SELECT orchestrator, finished_at, -1 FROM ${table}
         WHERE finished_at >= ${start} AND finished_at < ${end}${org}
     ), lv AS (
       SELECT o, d,
         SUM(d) OVER (PARTITION BY o ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS lo,
         SUM(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS la
       FROM ev
     )
     SELECT o, MAX(lo) AS max_o, MAX(la) AS max_a, SUM(d) AS net,
       SUM(CASE WHEN d = 1 THEN 1 ELSE 0 END) AS started
     FROM lv GROUP BY o`,
    orgs,
  )) as HourRow[];
  let openingAll = 0;
  for (const n of opening.values()) openingAll += n;
  // The levels the hour opens with count too: a job running all hour long had no point in it.
  let maxRunning = openingAll;
  let started = 0;
  const loads = new Map<string, OrchestratorLoad>();
  for (const [o, n] of opening) {
    if (n > 0) loads.set(o, { orchestrator: o, started: 0, maxRunning: n });
  }
  const closing = new Map(opening);
  for (const row of rows) {
    const was = opening.get(row.o) ?? 0;
    const load = {
      orchestrator: row.o,
      started: Number(row.started ?? 0),
      maxRunning: Math.max(was, was + Number(row.max_o ?? 0)),
    };
    loads.set(row.o, load);
    started += load.started;
    maxRunning = Math.max(maxRunning, openingAll + Number(row.max_a ?? 0));
    closing.set(row.o, was + Number(row.net ?? 0));
  }
  for (const [o, n] of closing) if (n === 0) closing.delete(o);
  const orchestrators = [...loads.values()]
    .filter((l) => l.started > 0 || l.maxRunning > 0)
    .sort((a, b) => a.orchestrator.localeCompare(b.orchestrator));
  return { bucket: { start, started, maxRunning, orchestrators }, closing };
}

/**
 * One bucket per hour from `since` to `last` (both hour starts, `last` included), counting the
 * attempts of `orgs` (undefined: every organisation; callers pass non-empty lists). `opening`:
 * the levels at `since` when known (the hour before was swept), else they are counted.
 */
async function sweep(
  db: Database,
  since: number,
  last: number,
  orgs: readonly string[] | undefined,
  opening?: Levels,
): Promise<SweptHour[]> {
  let levels = opening ?? (await levelsAt(db, since, orgs));
  const hours: SweptHour[] = [];
  for (let start = since; start <= last; start += HOUR_MS) {
    // A turn of the event loop between hours: SQLite's statements run on it, and its driver's
    // promises settle without one.
    if (start > since) await new Promise((resolve) => setImmediate(resolve));
    const hour = await sweepHour(db, start, levels, orgs);
    hours.push(hour);
    levels = hour.closing;
  }
  return hours;
}

/** {@link JobLoadReader.read} without kept hours: every hour swept. */
export async function jobLoad(
  db: Database,
  since: number,
  last: number,
  orgs: readonly string[] | undefined,
): Promise<JobLoadBucket[]> {
  return (await sweep(db, since, last, orgs)).map((h) => h.bucket);
}

/**
 * Job load with the ended hours of each scope kept in memory (see ended-hours.ts).
 */
export class JobLoadReader {
  // One hour more than the window: the hour before it gives the levels it opens with.
  private readonly hours = new EndedHours<SweptHour>(KEEP_HOURS);

  constructor(private readonly db: Database) {}

  /**
   * One bucket per hour from `since` to `last` (both hour starts, `last` included), counting the
   * attempts of `orgs` (undefined: every organisation; callers pass non-empty lists); `now`
   * decides which hours have ended.
   */
  async read(
    since: number,
    last: number,
    orgs: readonly string[] | undefined,
    now: number,
  ): Promise<JobLoadBucket[]> {
    const hours = await this.hours.read(
      since,
      last,
      orgs,
      now,
      (hour) => hour.bucket.start,
      (from, before) => sweep(this.db, from, last, orgs, before?.closing),
    );
    return hours.map((hour) => hour.bucket);
  }
}
