/**
 * A real full disk under the SQLite database (a small tmpfs): a write that does not fit is
 * refused with STORAGE_FULL and leaves no transaction open, every write that was acknowledged is
 * stored (an outside reader and a reopened database count them), and once space is freed writes
 * work again without a restart.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDisk, mountSmallTmpfs } from '../testing/small-tmpfs.js';
import type { SmallTmpfs } from '../testing/small-tmpfs.js';
import { openDatabase } from './data-source.js';
import { Database } from './database.js';

const fs: SmallTmpfs | undefined = mountSmallTmpfs('8m');
afterAll(() => fs?.unmount());

/** ~40 KB per row: the free MiB left on the disk is gone after a few dozen writes. */
const PAYLOAD = 'x'.repeat(40_000);

interface Connection {
  readonly inTransaction: boolean;
}

function countOutside(path: string): number {
  const outside = new BetterSqlite3(path);
  try {
    outside.pragma('busy_timeout = 0');
    // The bug: a transaction left open by the server made every other writer wait for ever.
    outside.exec('BEGIN IMMEDIATE');
    outside.exec('ROLLBACK');
    const row = outside
      .prepare("SELECT COUNT(*) AS n FROM server_markers WHERE name LIKE 'ack-%'")
      .get() as { n: number };
    return row.n;
  } finally {
    outside.close();
  }
}

describe.skipIf(fs === undefined)('Database on a full disk (SQLite, real tmpfs)', () => {
  let db: Database;
  let path: string;
  let filler: string;
  beforeAll(async () => {
    const dir = (fs as SmallTmpfs).dir;
    path = join(dir, 'state.db');
    db = new Database(await openDatabase({ type: 'sqlite', path }));
    filler = join(dir, 'filler');
    fillDisk(filler, 1024 * 1024);
  });
  afterAll(async () => {
    await db?.close();
  });

  const write = (i: number): Promise<unknown> =>
    db.transaction((m) =>
      m.query('INSERT INTO server_markers (name, created_at) VALUES (?, ?)', [
        `ack-${i}-${PAYLOAD}`,
        i,
      ]),
    );

  it('refuses what does not fit with STORAGE_FULL, keeps everything acknowledged, recovers', async () => {
    let acknowledged = 0;
    const refusals: unknown[] = [];
    // Go on writing well past the first refusal: the old code acknowledged writes again after
    // it, inside a transaction that was never committed.
    for (let i = 0; i < 400 && refusals.length < 30; i++) {
      try {
        await write(i);
        acknowledged++;
      } catch (error) {
        refusals.push(error);
      }
    }
    expect(refusals.length).toBeGreaterThan(0);
    for (const error of refusals) expect(error).toMatchObject({ code: 'STORAGE_FULL' });
    expect(db.storage.writable).toBe(false);
    const connection = (db.dataSource.driver as unknown as { databaseConnection: Connection })
      .databaseConnection;
    expect(connection.inTransaction).toBe(false);
    expect(countOutside(path)).toBe(acknowledged);

    rmSync(filler); // space comes back
    await write(10_000);
    acknowledged++;
    expect(db.storage.writable).toBe(true);
    expect(countOutside(path)).toBe(acknowledged);

    await db.close();
    db = new Database(await openDatabase({ type: 'sqlite', path }));
    const [{ n }] = (await db.manager.query(
      "SELECT COUNT(*) AS n FROM server_markers WHERE name LIKE 'ack-%'",
    )) as [{ n: number }];
    expect(n).toBe(acknowledged);
  });
});
