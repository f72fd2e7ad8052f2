/**
 * Writes `job_attempts` rows (db/job-attempt.entity.ts) from the engine's job events, inside the
 * run store's event transaction, so an attempt's row is stored exactly when its events are.
 *
 * Lifecycle, as the run store uses it (stores/typeorm-run-store.ts, `appendNow`):
 * 1. {@link JobAttemptWriter.prepare} before the transaction, with the batch of new events: picks
 *    the job events that start (`running`) or end (`waiting` before a retry, or terminal) an
 *    attempt ≥ 1 (attempt 0: the job never ran — skipped, reused, failed before starting) and the
 *    fan-out instances a fan-out job's progress event lists, merges those of one attempt, and
 *    resolves each run's organisation (cached; see {@link RunLookup}). Reads only; safe to call
 *    again with the same events after a failed transaction: what it remembers only spares
 *    rewrites (a running instance's start, which its end writes anyway; a fan-out job's row,
 *    which its end deletes again).
 * 2. {@link JobAttemptBatch.write} inside the transaction: one multi-row upsert per chunk. A start
 *    inserts the row; an end sets `finished_at` and `status` only while the row has none (the first
 *    end wins: a cancel after a retry's wait does not rewrite the ended attempt); a repeated start
 *    (re-attached after a restart) changes nothing. Idempotent.
 *
 * Fan-outs: a fan-out job itself runs nothing on the orchestrator (its instances do): its row goes
 * as soon as an event shows it fans out (a progress event, `data.fanOutProgress`, or its end with
 * the `fan-out.total` output), and its later events are ignored; until then, between its start
 * and its first progress event, it counts as one running attempt. Its instances get one row per
 * attempt. When the engine stores each instance's transitions, they are ordinary job events;
 * when it stores only the fan-out's progress events (at most one per `fanOutProgressMs`, listing
 * the instances that ended since the last one and those running), the rows come from those: a
 * start or a retry at the time of the first event listing it (at most one interval late), an end
 * at the time of the event listing it, started its duration earlier.
 *
 * Cost: one statement per 64 attempts, in the transaction of events the engine stores anyway;
 * a 100,000-instance fan-out writes its 100,000 rows in batches of whatever ended per progress
 * event, never one write per instance (measured in bench/README.md).
 *
 * The orchestrator recorded is the one this server runs jobs on ({@link orchestrator}), set once
 * it is created; a server runs every job of its engines on that one.
 */
import { FAN_OUT_SUMMARY_OUTPUTS } from '@containerops/core';
import type { NewEngineEvent } from '@containerops/core';
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database.js';
import { JOB_PATH_MAX, JobAttemptEntity } from '../db/job-attempt.entity.js';
import type { JobAttemptRow, JobAttemptStatus } from '../db/job-attempt.entity.js';
import { RunEntity } from '../db/entities.js';
import { organizationOf } from './run-rows.js';

/** What the writer asks the run store to find a run's organisation (the store implements it). */
export interface RunLookup {
  /** True once the run's queued saves are committed (false while writes fail). */
  saved(runId: string): Promise<boolean>;
  /** The run's request, queued or stored. */
  getRunRequest(
    runId: string,
  ): Promise<{ readonly workflow: { readonly uri: string } } | undefined>;
}

/** The rows one event batch writes; see {@link JobAttemptWriter}. */
export interface JobAttemptBatch {
  readonly rows: readonly JobAttemptRow[];
  /** Rows of fan-out jobs to delete: `[runId, jobPath, attempt]`. */
  readonly dropped: readonly (readonly [string, string, number])[];
  /** Upserts the rows and deletes the dropped through `manager` (the caller's transaction). */
  write(manager: EntityManager): Promise<void>;
}

/** Rows per statement, largest first (binary decomposition: few statement shapes, reused). */
const CHUNKS = [64, 32, 16, 8, 4, 2, 1] as const;
/** Runs whose organisation, and fan-out jobs, are remembered (the oldest is forgotten first). */
const MAX_CACHED = 10_000;
const COLUMNS = [
  'run_id',
  'job_path',
  'attempt',
  'organization',
  'orchestrator',
  'started_at',
  'finished_at',
  'status',
] as const;

export class JobAttemptWriter {
  /** Name of the orchestrator this server's jobs run on; set by the server once it exists. */
  orchestrator = 'unknown';
  private readonly organizations = new Map<string, string>();
  /** Attempt keys of the fan-out jobs seen (bounded like {@link organizations}). */
  private readonly fanOuts = new Set<string>();
  /** Fan-out instance attempts a progress event listed as started (`running`) or retried. */
  private readonly instances = new Map<string, 'running' | 'retried'>();
  private readonly sql = new Map<number, string>();

  constructor(private readonly db: Database) {}

  /** The rows `events` write, or undefined when they hold no attempt's start or end. */
  async prepare(
    events: readonly NewEngineEvent[],
    runs: RunLookup,
  ): Promise<JobAttemptBatch | undefined> {
    const byKey = new Map<string, Omit<JobAttemptRow, 'organization' | 'orchestrator'>>();
    const dropped: [string, string, number][] = [];
    /** An attempt's start (`end` undefined) or end, merged with what the batch said before. */
    const note: Note = (runId, path, attempt, startedAt, end) => {
      const jobPath = path.slice(0, JOB_PATH_MAX);
      const key = `${runId}\n${jobPath}\n${attempt}`;
      if (this.fanOuts.has(key)) return;
      const row = byKey.get(key);
      // An end without its start in this batch: the start is stored already (the engine emits
      // `running` first); the insert branch only sees it for attempts begun before this table, or
      // for fan-out instances that started and ended between two progress events.
      if (row === undefined)
        byKey.set(key, {
          runId,
          jobPath,
          attempt,
          startedAt,
          finishedAt: end?.at ?? null,
          status: end?.status ?? 'running',
        });
      else if (end !== undefined && row.finishedAt === null) {
        row.finishedAt = end.at;
        row.status = end.status;
      }
    };
    for (const event of events) {
      // Live-only events (fan-out instances' own transitions) are never stored: not here either.
      if (event.scope !== 'job' || (event as { liveOnly?: boolean }).liveOnly === true) continue;
      if (event.attempt === undefined || event.attempt < 1) continue;
      const progress = progressOf(event);
      if (progress !== undefined || fansOut(event)) {
        const jobPath = event.path.slice(0, JOB_PATH_MAX);
        const key = `${event.runId}\n${jobPath}\n${event.attempt}`;
        // Its row goes at the first mark and again at its end (had that first delete's transaction
        // failed, the row would live until then), not at every progress event.
        if (!this.fanOuts.has(key) || isEnd(event.status))
          dropped.push([event.runId, jobPath, event.attempt]);
        byKey.delete(key);
        remember(this.fanOuts, key);
        if (progress !== undefined) this.noteInstances(event, progress, note);
        continue;
      }
      const ends = event.status === 'waiting' || isEnd(event.status);
      if (event.status !== 'running' && !ends) continue;
      note(
        event.runId,
        event.path,
        event.attempt,
        event.time,
        ends ? { at: event.time, status: statusOf(event.status) } : undefined,
      );
    }
    if (byKey.size === 0 && dropped.length === 0) return undefined;
    const orgs = await this.organizationsOf(new Set([...byKey.values()].map((r) => r.runId)), runs);
    const rows: JobAttemptRow[] = [];
    for (const row of byKey.values()) {
      const organization = orgs.get(row.runId);
      // A run no store knows (never saved): nothing to attribute it to, and nothing to chart.
      if (organization !== undefined)
        rows.push({ ...row, organization, orchestrator: this.orchestrator });
    }
    return { rows, dropped, write: (manager) => this.write(manager, rows, dropped) };
  }

  /**
   * The instance attempts a fan-out's progress event shows starting, waiting to retry or ending.
   * Their times are the event's (instances' own transitions are not stored): a start or a retry
   * at most one progress interval late; a first attempt's end, started its duration earlier
   * (a later attempt's start, when no event listed it running, is taken as its end).
   */
  private noteInstances(event: NewEngineEvent, progress: ProgressLike, note: Note): void {
    const action = event.path.slice(0, event.path.lastIndexOf('.'));
    for (const i of progress.ended ?? []) {
      // Attempt 0: never started (skipped by fail-fast or a cancel).
      if (typeof i.name !== 'string' || !(i.attempt >= 1)) continue;
      const path = `${action}.${i.name}`;
      this.instances.delete(`${event.runId}\n${path}\n${i.attempt}`);
      // The duration spans every attempt: only a first attempt's start follows from it.
      const startedAt = i.attempt === 1 ? event.time - (i.durationMs ?? 0) : event.time;
      note(event.runId, path, i.attempt, startedAt, {
        at: event.time,
        status: statusOf(i.status),
      });
    }
    for (const i of progress.active ?? []) {
      if (typeof i.name !== 'string' || !(i.attempt >= 1)) continue;
      const path = `${action}.${i.name}`;
      const key = `${event.runId}\n${path}\n${i.attempt}`;
      // Listed again in every progress event while it runs: written once per state.
      const state = i.status === 'waiting' ? 'retried' : 'running';
      if (this.instances.get(key) === state) continue;
      remember(this.instances, key, state);
      note(
        event.runId,
        path,
        i.attempt,
        event.time,
        state === 'retried' ? { at: event.time, status: 'retried' } : undefined,
      );
    }
  }

  private async write(
    manager: EntityManager,
    rows: readonly JobAttemptRow[],
    dropped: readonly (readonly [string, string, number])[],
  ): Promise<void> {
    for (const [runId, jobPath, attempt] of dropped)
      await manager.delete(JobAttemptEntity, { runId, jobPath, attempt });
    let next = 0;
    for (const size of CHUNKS) {
      while (rows.length - next >= size) {
        const params: unknown[] = [];
        for (let i = next; i < next + size; i++) {
          const r = rows[i] as JobAttemptRow;
          params.push(
            r.runId,
            r.jobPath,
            r.attempt,
            r.organization,
            r.orchestrator,
            r.startedAt,
            r.finishedAt,
            r.status,
          );
        }
        await manager.query(this.upsertSql(size), params);
        next += size;
      }
    }
  }

  /** The upsert of `n` rows in this database's dialect (text cached: prepared once on SQLite). */
  private upsertSql(n: number): string {
    let sql = this.sql.get(n);
    if (sql !== undefined) return sql;
    const { driver } = this.db.dataSource;
    const dialect = this.db.dialect;
    const names = COLUMNS.map((c) => driver.escape(c)).join(', ');
    let p = 0;
    const mark = (): string => (dialect === 'postgres' ? `$${++p}` : '?');
    const values = Array.from(
      { length: n },
      () => `(${COLUMNS.map(() => mark()).join(', ')})`,
    ).join(', ');
    const [status, finished] = [driver.escape('status'), driver.escape('finished_at')];
    const insert = `INSERT INTO ${jobAttemptsTable(this.db)}`;
    if (dialect === 'mysql') {
      // MySQL assigns left to right with the new values: `status` reads the old `finished_at`.
      sql =
        `${insert} (${names}) VALUES ${values} ON DUPLICATE KEY UPDATE ` +
        `${status} = CASE WHEN ${finished} IS NULL THEN VALUES(${status}) ELSE ${status} END, ` +
        `${finished} = COALESCE(${finished}, VALUES(${finished}))`;
    } else {
      const key = ['run_id', 'job_path', 'attempt'].map((c) => driver.escape(c)).join(', ');
      sql =
        `${insert} AS a (${names}) VALUES ${values} ON CONFLICT (${key}) DO UPDATE SET ` +
        `${status} = CASE WHEN a.${finished} IS NULL THEN excluded.${status} ELSE a.${status} END, ` +
        `${finished} = COALESCE(a.${finished}, excluded.${finished})`;
    }
    this.sql.set(n, sql);
    return sql;
  }

  /**
   * Each run's organisation: remembered, else read from `runs` once the run's queued saves are
   * committed (a run's request is queued before its first event, and saves are coalesced: its row
   * may still be on its way), else from the queued request itself (while writes fail).
   */
  private async organizationsOf(
    runIds: ReadonlySet<string>,
    runs: RunLookup,
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const missing: string[] = [];
    for (const id of runIds) {
      const org = this.organizations.get(id);
      if (org === undefined) missing.push(id);
      else found.set(id, org);
    }
    if (missing.length === 0) return found;
    for (const id of missing) await runs.saved(id);
    const stored = await this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select(['r.id', 'r.organization'])
      .where('r.id IN (:...ids)', { ids: missing })
      .getMany();
    for (const row of stored) found.set(row.id, row.organization);
    for (const id of missing) {
      if (found.has(id)) continue;
      const request = await runs.getRunRequest(id);
      if (request !== undefined) found.set(id, organizationOf(request.workflow.uri));
    }
    for (const id of missing) {
      const org = found.get(id);
      if (org === undefined) continue;
      remember(this.organizations, id, org);
    }
    return found;
  }
}

/** `job_attempts` as a raw statement must name it: schema-qualified where one is configured. */
export function jobAttemptsTable(db: Database): string {
  const { driver } = db.dataSource;
  const meta = db.dataSource.getMetadata(JobAttemptEntity);
  const table = driver.escape(meta.tableName);
  return meta.schema === undefined ? table : `${driver.escape(meta.schema)}.${table}`;
}

type Note = (
  runId: string,
  path: string,
  attempt: number,
  startedAt: number,
  end?: { readonly at: number; readonly status: JobAttemptStatus },
) => void;

/**
 * The part of a fan-out job's progress event (`data.fanOutProgress`, core's `FanOutProgress`)
 * read here. The lists are checked to be arrays, and each entry to have a string name and an
 * attempt ≥ 1 before use: event data is not a promise of its shape.
 */
interface ProgressLike {
  readonly ended?: readonly {
    readonly name: string;
    readonly status: string;
    readonly attempt: number;
    readonly durationMs?: number;
  }[];
  readonly active?: readonly {
    readonly name: string;
    readonly status: string;
    readonly attempt: number;
  }[];
}

function progressOf(event: NewEngineEvent): ProgressLike | undefined {
  const progress = event.data?.['fanOutProgress'];
  if (typeof progress !== 'object' || progress === null) return undefined;
  const { ended, active } = progress as { ended?: unknown; active?: unknown };
  return {
    ...(Array.isArray(ended) ? { ended: ended as ProgressLike['ended'] } : {}),
    ...(Array.isArray(active) ? { active: active as ProgressLike['active'] } : {}),
  };
}

/** Whether the event is of a fan-out job (not of one of its instances). */
function fansOut(event: NewEngineEvent): boolean {
  if (event.data?.['fanOutProgress'] !== undefined) return true;
  return event.outputs?.[FAN_OUT_SUMMARY_OUTPUTS[0]] !== undefined;
}

/** Adds `key` to a bounded set or map, forgetting the oldest entry beyond {@link MAX_CACHED}. */
function remember<V>(into: Set<string> | Map<string, V>, key: string, value?: V): void {
  if (into instanceof Map) into.set(key, value as V);
  else into.add(key);
  if (into.size > MAX_CACHED) {
    const oldest = into.keys().next().value;
    if (oldest !== undefined) into.delete(oldest);
  }
}

function isEnd(status: NewEngineEvent['status']): boolean {
  return (
    status === 'succeeded' ||
    status === 'failed' ||
    status === 'timed_out' ||
    status === 'cancelled' ||
    status === 'skipped'
  );
}

function statusOf(status: string): JobAttemptStatus {
  if (status === 'waiting') return 'retried';
  return status as JobAttemptStatus;
}
