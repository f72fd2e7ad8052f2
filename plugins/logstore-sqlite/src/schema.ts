/**
 * Opening the log file: connection pragmas and schema migrations (tracked in `user_version`).
 *
 * Schema (v1), compact on purpose: one row per job in `log_jobs`, and lines keyed by that job's
 * integer id, so the (long) run id and job path are not repeated on every line.
 * - `log_lines` is a WITHOUT ROWID table clustered on (job_id, attempt, seq): a job's lines sit
 *   together in read order, and the primary key is what makes re-appends no-ops.
 * - `log_lines_by_time` serves `prune(olderThan)`.
 */
import Database from 'better-sqlite3';
import { OperationalError } from '@containerops/sdk';
import { SqliteLogStoreErrorCode } from './errors.js';

export type Database = Database.Database;

/** The newest schema this code knows. */
export const SCHEMA_VERSION = 1;

/** Each entry upgrades the schema from version `index` to `index + 1`. */
const migrations: readonly string[] = [
  `CREATE TABLE log_jobs (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL,
     job_path TEXT NOT NULL,
     UNIQUE (run_id, job_path)
   );
   CREATE TABLE log_lines (
     job_id INTEGER NOT NULL,
     attempt INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     stream INTEGER NOT NULL,
     time INTEGER NOT NULL,
     text TEXT NOT NULL,
     PRIMARY KEY (job_id, attempt, seq)
   ) WITHOUT ROWID;
   CREATE INDEX log_lines_by_time ON log_lines (time);`,
];

export interface OpenOptions {
  readonly path: string;
  /** `normal` (default) or `full`; see the README's guarantees. */
  readonly synchronous: 'normal' | 'full';
  readonly busyTimeoutMs: number;
}

/** Opens (creating if needed) the log file, sets the pragmas and migrates the schema. */
export function openDatabase(options: OpenOptions): Database {
  const db = new Database(options.path);
  try {
    // First, so that everything below waits for another process holding the lock.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    // Only effective before the first table exists: new files get it, old ones keep theirs.
    db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // After a checkpoint the WAL file is truncated back to at most this size (64 MiB).
    db.pragma('journal_size_limit = 67108864');
    migrate(db, options.path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database, path: string): void {
  // IMMEDIATE: two processes opening a new file at once must not both run the migrations.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new OperationalError(
        SqliteLogStoreErrorCode.schemaTooNew,
        `log store ${path} has schema version ${current}, newer than this plugin's ` +
          `${SCHEMA_VERSION}; upgrade @containerops/logstore-sqlite or use another file`,
        { details: { path, version: current, supported: SCHEMA_VERSION } },
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) {
      db.exec(migrations[version] as string);
    }
    if (current !== SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
