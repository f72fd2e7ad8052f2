/**
 * Keeps a SQLite file from growing forever: WAL checkpoints (the WAL is otherwise truncated only
 * when no reader holds it) and incremental vacuum (pages freed by pruning return to the OS).
 *
 * The pragmas go to the better-sqlite3 connection itself: TypeORM's `query` steps a statement
 * once, and `incremental_vacuum` frees one page per step (it freed 1 page of 1,500 that way).
 */
import type { DataSource } from 'typeorm';

/** Pages returned to the OS per maintenance pass (4 KiB each: up to 64 MiB). */
const VACUUM_PAGES = 16_384;
/** SQLite's `auto_vacuum` value for INCREMENTAL. */
const AUTO_VACUUM_INCREMENTAL = 2;

/** The part of a better-sqlite3 connection used here. */
interface SqliteConnection {
  pragma(source: string, options?: { simple: boolean }): unknown;
  exec(source: string): unknown;
}

/** The raw connection of a SQLite data source; undefined for other databases. */
function sqliteConnection(dataSource: DataSource): SqliteConnection | undefined {
  if (dataSource.options.type !== 'better-sqlite3') return undefined;
  return (dataSource.driver as unknown as { databaseConnection: SqliteConnection })
    .databaseConnection;
}

/**
 * Makes sure the file frees pages incrementally. New files get it from the connection's first
 * pragma; files made before that (auto_vacuum NONE: pruning never shrank them) are converted
 * once, which takes a full VACUUM (a rewrite of the file, at start before anything runs).
 */
export function ensureIncrementalVacuum(dataSource: DataSource): void {
  const db = sqliteConnection(dataSource);
  if (db === undefined) return;
  if (db.pragma('auto_vacuum', { simple: true }) === AUTO_VACUUM_INCREMENTAL) return;
  db.pragma('auto_vacuum = INCREMENTAL');
  db.exec('VACUUM');
}

export function checkpointSqlite(dataSource: DataSource): Promise<void> {
  sqliteConnection(dataSource)?.pragma('wal_checkpoint(TRUNCATE)');
  return Promise.resolve();
}

export function vacuumSqlite(dataSource: DataSource): Promise<void> {
  const db = sqliteConnection(dataSource);
  if (db === undefined) return Promise.resolve();
  db.pragma(`incremental_vacuum(${VACUUM_PAGES})`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  return Promise.resolve();
}
