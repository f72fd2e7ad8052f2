/**
 * The log store on a real full disk (a small tmpfs, `mount` needs root; outside CI a machine that
 * does not allow it skips with the reason, in CI that is a failure): a batch that does not fit is
 * refused whole with LOG_STORE_FAILED (SQLite's SQLITE_FULL kept in `details` and `cause`, so a
 * host can tell a full disk apart), no transaction is left open, and once space is freed appends
 * work again; what was acknowledged is stored exactly once, counted after a reopen.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines } from '@containerops/sdk/testing';
import { SqliteLogStoreErrorCode } from './errors.js';
import { createSqliteLogStore } from './sqlite-log-store.js';

function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'co-logstore-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a tmpfs (needs root): ${(error as Error).message.split('\n')[0]}`;
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`skipping the log store disk-full test: ${why}`);
    return undefined;
  }
}

const dir = mountTmpfs('4m');
afterAll(() => {
  if (dir === undefined) return;
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Fills the file system up to the last byte. */
function fill(path: string): void {
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const fd = openSync(path, 'w');
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(dir === undefined)('SqliteLogStore on a full disk (real tmpfs)', () => {
  it('refuses whole batches with LOG_STORE_FAILED / SQLITE_FULL and works again once space is back', async () => {
    const path = join(dir as string, 'logs.db');
    const store = createSqliteLogStore({ path });
    const filler = join(dir as string, 'filler');
    const text = { text: 'y'.repeat(2000) };
    await store.append(logLines('r', 's.a.j', 1, 1, 100, text));
    let acknowledged = 100;
    fill(filler);
    let refused: unknown;
    for (let batch = 0; batch < 200 && refused === undefined; batch++) {
      const from = acknowledged + 1;
      try {
        await store.append(logLines('r', 's.a.j', 1, from, from + 99, text));
        acknowledged += 100;
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toMatchObject({
      code: SqliteLogStoreErrorCode.storageFailed,
      details: { sqliteCode: 'SQLITE_FULL' },
    });
    expect((refused as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
    // All or none: nothing of the refused batch is there.
    expect(await store.read({ runId: 'r', jobPath: 's.a.j' })).toHaveLength(acknowledged);

    rmSync(filler);
    const from = acknowledged + 1;
    await store.append(logLines('r', 's.a.j', 1, from, from + 99, text));
    acknowledged += 100;
    await store.close();

    const reopened = createSqliteLogStore({ path });
    try {
      const lines = await reopened.read({ runId: 'r', jobPath: 's.a.j' });
      expect(lines.map((l) => l.seq)).toEqual(
        Array.from({ length: acknowledged }, (_, i) => i + 1),
      );
    } finally {
      await reopened.close();
    }
  });
});
