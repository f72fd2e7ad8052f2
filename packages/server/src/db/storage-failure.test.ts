import { OperationalError } from '@containerops/core';
import { describe, expect, it } from 'vitest';
import type { ServerLogger } from '../logger.js';
import { engineStoreProblems } from './engine-store-problems.js';
import { isStorageFull, StorageFullError } from './storage-failure.js';
import { StorageHealth } from './storage-health.js';

/** An error shaped as a driver throws it, wrapped as TypeORM wraps it. */
function wrapped(driverError: Record<string, unknown>): Error {
  return Object.assign(new Error('Query failed'), { driverError });
}

describe('isStorageFull', () => {
  it("recognises each driver's disk-full error, however wrapped", () => {
    expect(
      isStorageFull(wrapped({ code: 'SQLITE_FULL', message: 'database or disk is full' })),
    ).toBe(true);
    expect(isStorageFull(wrapped({ code: '53100', message: 'could not extend file' }))).toBe(true);
    expect(isStorageFull(wrapped({ errno: 1114, code: 'ER_RECORD_FILE_FULL' }))).toBe(true);
    expect(isStorageFull(Object.assign(new Error('write'), { code: 'ENOSPC' }))).toBe(true);
    const logStore = new OperationalError('LOG_STORE_FAILED', 'append failed', {
      cause: Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
    });
    expect(isStorageFull(logStore)).toBe(true);
    expect(isStorageFull(new StorageFullError('database'))).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isStorageFull(wrapped({ code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBe(false);
    expect(isStorageFull(wrapped({ code: 'SQLITE_BUSY', message: 'database is locked' }))).toBe(
      false,
    );
    expect(isStorageFull('nope')).toBe(false);
    const cyclic: { cause?: unknown } & Error = new Error('loop');
    cyclic.cause = cyclic;
    expect(isStorageFull(cyclic)).toBe(false);
  });
});

describe('engineStoreProblems', () => {
  it('marks the log store full, logs once per period with counts, and clears on recovery', () => {
    const lines: string[] = [];
    const log: ServerLogger = {
      info: (m) => lines.push(`info ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m) => lines.push(`error ${m}`),
    };
    const storage = new StorageHealth({ log });
    const report = engineStoreProblems(storage, log);
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    for (let i = 0; i < 50; i++) report({ kind: 'lines', error: full, droppedLines: 100 });
    expect(storage.writable).toBe(false);
    expect(storage.problems().map((p) => p.area)).toEqual(['logStore']);
    // One line from the store health, one from the engine: not fifty.
    expect(lines.filter((l) => l.startsWith('error'))).toHaveLength(2);
    expect(lines.join('\n')).toContain('100 line(s) given up');

    report({ kind: 'recovered', what: 'lines' });
    expect(storage.writable).toBe(true);
    expect(lines.at(-1)).toContain('log lines are stored again');
    storage.close();
  });
});
