/**
 * @containerops/logstore-tidb — job log lines in TiDB (or MariaDB/MySQL, the same SQL): batched
 * idempotent multi-row appends sized for TiDB's limits, a clustered key that spreads writes,
 * reads by range, follow for live tails across processes, retention by TiDB TTL or batched
 * deletes. The default export is the plugin definition (`logStore: tidb`).
 */
import { tidbLogStorePlugin } from './plugin.js';

export { openTidbLogStore, TidbLogStore } from './tidb-log-store.js';
export type { RetentionMode, TidbLogStoreOptions } from './tidb-log-store.js';
export { tidbLogStoreConfig, tidbLogStorePlugin } from './plugin.js';
export type { TidbLogStoreConfig } from './plugin.js';
export { detectDialect } from './dialect.js';
export type { Dialect, ServerInfo } from './dialect.js';
export { TidbLogStoreErrorCode } from './errors.js';
export { SCHEMA_VERSION } from './schema.js';

export default tidbLogStorePlugin;
