/** Stable error codes of the SQLite log store, and the wrapping of SQLite's own errors. */
import { OperationalError } from '@containerops/sdk';

export const SqliteLogStoreErrorCode = {
  /** A call after `close()`. */
  closed: 'LOG_STORE_CLOSED',
  /** `append` got a line that breaks the `JobLogLine` contract; nothing of the batch was stored. */
  invalidLine: 'LOG_LINE_INVALID',
  /** SQLite failed (disk full, I/O error, locked longer than `busyTimeoutMs`). Retrying may help. */
  storageFailed: 'LOG_STORE_FAILED',
  /** The file was written by a newer version of this plugin (its schema is unknown here). */
  schemaTooNew: 'LOG_STORE_SCHEMA_TOO_NEW',
} as const;

export type SqliteLogStoreErrorCode =
  (typeof SqliteLogStoreErrorCode)[keyof typeof SqliteLogStoreErrorCode];

export function closedError(operation: string): OperationalError {
  return new OperationalError(
    SqliteLogStoreErrorCode.closed,
    `log store is closed; cannot ${operation}`,
  );
}

/** Wraps an error thrown by better-sqlite3, keeping SQLite's code (`SQLITE_BUSY`...) in details. */
export function storageError(operation: string, path: string, cause: unknown): OperationalError {
  const sqliteCode =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OperationalError(
    SqliteLogStoreErrorCode.storageFailed,
    `log store ${path}: ${operation} failed: ${reason}`,
    { cause, details: { path, operation, sqliteCode } },
  );
}
