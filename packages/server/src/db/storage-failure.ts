/**
 * Telling a full disk apart from other database errors, and the error a client gets for it.
 *
 * Drivers report "no space" differently: SQLite `SQLITE_FULL` (better-sqlite3 puts it in `code`;
 * TypeORM wraps the driver's error in `driverError`), PostgreSQL SQLSTATE `53100` (disk_full),
 * MySQL/MariaDB errors 1021 (ER_DISK_FULL) and 1114 (ER_RECORD_FILE_FULL), Node's file calls
 * `ENOSPC`. Wrappers keep the original in `cause`, `driverError` or `details.cause`.
 */
import { OperationalError } from '@containerops/core';

/** The stable code of a write refused because the server's storage is full (or failing). */
export const STORAGE_FULL = 'STORAGE_FULL';

const FULL_CODES = new Set([
  'SQLITE_FULL',
  'ENOSPC',
  '53100',
  'ER_DISK_FULL',
  'ER_RECORD_FILE_FULL',
]);
const FULL_ERRNOS = new Set([1021, 1114]);
const FULL_MESSAGE = /database or disk is full|no space left on device/i;

/** The errors `error` wraps, itself first (bounded: a cyclic `cause` chain must not hang). */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && out.length < 16) {
    const next = queue.shift();
    if (typeof next !== 'object' || next === null || out.includes(next)) continue;
    out.push(next);
    const e = next as {
      cause?: unknown;
      driverError?: unknown;
      details?: { cause?: unknown };
    };
    queue.push(e.cause, e.driverError, e.details?.cause);
  }
  return out;
}

/** True when `error` (or anything it wraps) says the disk or database is full. */
export function isStorageFull(error: unknown): boolean {
  for (const e of chain(error)) {
    const { code, errno, message } = e as { code?: unknown; errno?: unknown; message?: unknown };
    if (code === STORAGE_FULL) return true;
    if (typeof code === 'string' && FULL_CODES.has(code)) return true;
    if (typeof errno === 'number' && FULL_ERRNOS.has(errno)) return true;
    if (typeof message === 'string' && FULL_MESSAGE.test(message)) return true;
  }
  return false;
}

/**
 * A write the server could not store because its storage is full: nothing of it was kept (the
 * transaction was rolled back). Retrying after space was freed is safe.
 */
export class StorageFullError extends OperationalError {
  constructor(what: string, cause?: unknown) {
    super(
      STORAGE_FULL,
      `the server's storage is full (${what}); nothing was changed. Free space in the data ` +
        'directory (or the database server); the server recovers by itself, then retry',
      { ...(cause === undefined ? {} : { cause }) },
    );
  }
}
