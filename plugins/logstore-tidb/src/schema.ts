/**
 * The log table: created on first open (idempotent, safe when several processes open at once),
 * its schema version checked, and its TTL set to what the config says (TiDB only).
 *
 * Schema v1, one table (no job table: see keys.ts for why the keys are hashes):
 * - primary key (run_key, job_key, attempt, seq), CLUSTERED on TiDB (the rows are stored in key
 *   order, so a job's lines are one range scan; InnoDB's primary key is always clustered). It is
 *   what makes re-appends no-ops.
 * - `by_time (shard, time_ms)` serves `prune(olderThan)`.
 * - `stored_at` is when the server stored the line: TiDB's TTL deletes by it.
 * - The schema version lives in the table comment (one table, no migration table to keep).
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { OperationalError } from '@containerops/sdk';
import type { ServerInfo } from './dialect.js';
import { supportsTtl } from './dialect.js';
import { TidbLogStoreErrorCode } from './errors.js';

/** The newest schema this code knows. */
export const SCHEMA_VERSION = 1;

const COMMENT_PREFIX = 'containerops log store schema ';

/** A table name is spliced into SQL: letters, digits and `_` only. */
export function checkTableName(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name))
    throw new Error(
      `table must be 1-64 letters, digits or underscores, not starting with a digit (got "${name}")`,
    );
  return name;
}

function createTableSql(table: string, info: ServerInfo): string {
  const clustered = info.dialect === 'tidb' ? ' CLUSTERED' : '';
  return `CREATE TABLE IF NOT EXISTS \`${table}\` (
    run_key BINARY(16) NOT NULL,
    job_key BINARY(16) NOT NULL,
    attempt INT UNSIGNED NOT NULL,
    seq BIGINT UNSIGNED NOT NULL,
    shard TINYINT UNSIGNED NOT NULL,
    stream TINYINT UNSIGNED NOT NULL,
    time_ms DOUBLE NOT NULL,
    stored_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    text LONGTEXT NOT NULL,
    PRIMARY KEY (run_key, job_key, attempt, seq)${clustered},
    KEY by_time (shard, time_ms)
  ) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin COMMENT = '${COMMENT_PREFIX}${SCHEMA_VERSION}'`;
}

/** Creates the table if missing and refuses one written by a newer schema. */
export async function ensureTable(pool: Pool, table: string, info: ServerInfo): Promise<void> {
  await pool.query(createTableSql(table, info));
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT TABLE_COMMENT AS comment FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
    [table],
  );
  const comment = String(rows[0]?.['comment'] ?? '');
  const version = comment.startsWith(COMMENT_PREFIX)
    ? Number(comment.slice(COMMENT_PREFIX.length))
    : Number.NaN;
  if (!Number.isSafeInteger(version) || version > SCHEMA_VERSION) {
    throw new OperationalError(
      TidbLogStoreErrorCode.schemaTooNew,
      `log table ${table} has schema "${comment}", not one this plugin knows (it knows up to ` +
        `${SCHEMA_VERSION}); upgrade @containerops/logstore-tidb or configure another table`,
      { details: { table, comment, supported: SCHEMA_VERSION } },
    );
  }
}

/**
 * Makes the table's TTL match `retentionDays` on servers that have TTL tables: set (TiDB's
 * background job deletes rows whose `stored_at` is older, in its own batches), changed, or
 * removed when `retentionDays` is not configured. Resolves with whether a TTL now deletes old
 * lines; when not (other servers, or a TiDB that refuses TTL, which `warn` reports), the caller
 * deletes in batches by itself.
 */
export async function applyTtl(
  pool: Pool,
  table: string,
  info: ServerInfo,
  retentionDays: number | undefined,
  warn: (message: string) => void,
): Promise<boolean> {
  if (!supportsTtl(info)) return false;
  try {
    if (retentionDays === undefined) {
      // information_schema.TABLES does not show a TTL; SHOW CREATE TABLE does (`/*T![ttl] TTL=`).
      const [rows] = await pool.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${table}\``);
      if (/\bTTL=/.test(String(rows[0]?.['Create Table'] ?? '')))
        await pool.query(`ALTER TABLE \`${table}\` REMOVE TTL`);
      return false;
    }
    // TTL_JOB_INTERVAL: how often TiDB looks for expired rows (its default is 1h too).
    await pool.query(
      `ALTER TABLE \`${table}\` TTL = stored_at + INTERVAL ${Math.floor(retentionDays)} DAY ` +
        `TTL_ENABLE = 'ON' TTL_JOB_INTERVAL = '1h'`,
    );
    return true;
  } catch (error) {
    warn(
      `TiDB ${info.version} refused a TTL on ${table} (${(error as Error).message}); ` +
        'old lines are deleted in batches by the store instead',
    );
    return false;
  }
}
