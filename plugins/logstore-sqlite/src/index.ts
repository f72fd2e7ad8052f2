/**
 * @containerops/logstore-sqlite — job log lines in a SQLite file: batched idempotent appends,
 * reads by range, follow for live tails (also across processes), chunked retention.
 * The default export is the plugin definition (`logStore: sqlite`).
 */
import { sqliteLogStorePlugin } from './plugin.js';

export { createSqliteLogStore, SqliteLogStore } from './sqlite-log-store.js';
export type { SqliteLogStoreOptions } from './sqlite-log-store.js';
export { sqliteLogStoreConfig, sqliteLogStorePlugin } from './plugin.js';
export type { SqliteLogStoreConfig } from './plugin.js';
export { SqliteLogStoreErrorCode } from './errors.js';
export { SCHEMA_VERSION } from './schema.js';

export default sqliteLogStorePlugin;
