/**
 * The run store's hot writes on SQLite with stable SQL text. TypeORM's query builder inlines
 * some values (numbers) into the statement it generates, so every event batch and run row became
 * new SQL: a fresh `prepare` per write (~0.1 ms each) that also pushed the other statements out
 * of TypeORM's 100-entry statement cache. Here the text depends only on the shape (rows per
 * statement, columns updated), so better-sqlite3 prepares each once and reuses it.
 */
import type { EntityManager } from 'typeorm';
import type { RunRow } from '../db/entities.js';

/** One `events` row as stored. */
export interface EventInsertRow {
  readonly seq: number;
  readonly runId: string;
  readonly time: number;
  readonly body: string;
}

/**
 * Rows per statement, largest first: a batch is split into these sizes (binary decomposition),
 * so at most six statement shapes exist and a batch of n rows takes n / 64 + 6 statements.
 */
const EVENT_CHUNKS = [64, 32, 16, 8, 4, 2, 1] as const;
const eventSql = new Map<number, string>();

function insertEventsSql(rows: number): string {
  let sql = eventSql.get(rows);
  if (sql === undefined) {
    const values = Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ');
    sql = `INSERT INTO "events" ("seq", "run_id", "time", "body") VALUES ${values}`;
    eventSql.set(rows, sql);
  }
  return sql;
}

/** Inserts event rows through `manager` (inside the caller's transaction). */
export async function insertEventsSqlite(
  manager: EntityManager,
  rows: readonly EventInsertRow[],
): Promise<void> {
  let next = 0;
  for (const size of EVENT_CHUNKS) {
    while (rows.length - next >= size) {
      const params: unknown[] = [];
      for (let i = next; i < next + size; i++) {
        const row = rows[i] as EventInsertRow;
        params.push(row.seq, row.runId, row.time, row.body);
      }
      await manager.query(insertEventsSql(size), params);
      next += size;
    }
  }
}

/** `runs` columns in statement order, with their row keys. */
const RUN_COLUMNS: readonly (readonly [keyof RunRow, string])[] = [
  ['id', 'id'],
  ['workflowUri', 'workflow_uri'],
  ['organization', 'organization'],
  ['status', 'status'],
  ['triggerType', 'trigger_type'],
  ['triggeredBy', 'triggered_by'],
  ['createdAt', 'created_at'],
  ['startedAt', 'started_at'],
  ['finishedAt', 'finished_at'],
  ['snapshot', 'snapshot'],
  ['request', 'request'],
];
const COLUMN_OF = new Map(RUN_COLUMNS);
const upsertSql = new Map<string, string>();

function upsertRunSql(updated: readonly (keyof RunRow)[]): string {
  const key = updated.join(',');
  let sql = upsertSql.get(key);
  if (sql === undefined) {
    const names = RUN_COLUMNS.map(([, name]) => `"${name}"`).join(', ');
    const marks = RUN_COLUMNS.map(() => '?').join(', ');
    const set = updated
      .map((k) => `"${COLUMN_OF.get(k) as string}" = excluded."${COLUMN_OF.get(k) as string}"`)
      .join(', ');
    sql = `INSERT INTO "runs" (${names}) VALUES (${marks}) ON CONFLICT ("id") DO UPDATE SET ${set}`;
    upsertSql.set(key, sql);
  }
  return sql;
}

/**
 * Inserts `row`, or, when a row with its id exists, updates only the `updated` columns (as the
 * query builder's `orUpdate(columns, ['id'])` did).
 */
export async function upsertRunSqlite(
  manager: EntityManager,
  row: RunRow,
  updated: readonly (keyof RunRow)[],
): Promise<void> {
  await manager.query(
    upsertRunSql(updated),
    RUN_COLUMNS.map(([key]) => row[key]),
  );
}
