/** Stable error codes of the TiDB/MySQL log store, and the wrapping of the driver's errors. */
import { OperationalError } from '@containerops/sdk';

export const TidbLogStoreErrorCode = {
  /** A call after `close()`. */
  closed: 'LOG_STORE_CLOSED',
  /** `append` got a line that breaks the `JobLogLine` contract; nothing of the batch was stored. */
  invalidLine: 'LOG_LINE_INVALID',
  /**
   * `append` got a line larger than `maxLineBytes` (TiDB refuses a row above its
   * `txn-entry-size-limit`, 6 MiB by default); nothing of the batch was stored.
   */
  lineTooLarge: 'LOG_LINE_TOO_LARGE',
  /** The database failed (down, refused the statement, lost the connection). Retrying may help. */
  storageFailed: 'LOG_STORE_FAILED',
  /** The table was written by a newer version of this plugin (its schema is unknown here). */
  schemaTooNew: 'LOG_STORE_SCHEMA_TOO_NEW',
} as const;

export type TidbLogStoreErrorCode =
  (typeof TidbLogStoreErrorCode)[keyof typeof TidbLogStoreErrorCode];

export function closedError(operation: string): OperationalError {
  return new OperationalError(
    TidbLogStoreErrorCode.closed,
    `log store is closed; cannot ${operation}`,
  );
}

/** The fields of a mysql2 error worth keeping (`ER_DUP_ENTRY`, 1062, `23000`, `ECONNREFUSED`). */
function driverCode(cause: unknown): Record<string, unknown> {
  if (typeof cause !== 'object' || cause === null) return {};
  const { code, errno, sqlState } = cause as {
    code?: unknown;
    errno?: unknown;
    sqlState?: unknown;
  };
  return { driverCode: code, errno, sqlState };
}

/** Wraps an error of the driver or the server as `LOG_STORE_FAILED`, naming where and what. */
export function storageError(operation: string, where: string, cause: unknown): OperationalError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OperationalError(
    TidbLogStoreErrorCode.storageFailed,
    `log store ${where}: ${operation} failed: ${reason}`,
    { cause, details: { where, operation, ...driverCode(cause) } },
  );
}
