import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './data-source.js';

const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
  pragma(source: string, options?: { simple: boolean }): unknown;
  exec(source: string): unknown;
  close(): void;
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'co-sqlite-maint-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite state file', () => {
  it('is created with incremental auto-vacuum in WAL mode', async () => {
    const ds = await openDatabase({ type: 'sqlite', path: join(dir, 'new.db') });
    try {
      expect(await ds.query('PRAGMA auto_vacuum')).toEqual([{ auto_vacuum: 2 }]);
      expect(await ds.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    } finally {
      await ds.destroy();
    }
  });

  it('converts a file made without auto-vacuum once, keeping its rows', async () => {
    const path = join(dir, 'old.db');
    const raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    raw.exec("CREATE TABLE keepme (x TEXT); INSERT INTO keepme VALUES ('still here')");
    expect(raw.pragma('auto_vacuum', { simple: true })).toBe(0);
    raw.close();

    const ds = await openDatabase({ type: 'sqlite', path });
    try {
      expect(await ds.query('PRAGMA auto_vacuum')).toEqual([{ auto_vacuum: 2 }]);
      expect(await ds.query('SELECT x FROM keepme')).toEqual([{ x: 'still here' }]);
    } finally {
      await ds.destroy();
    }
  });
});
