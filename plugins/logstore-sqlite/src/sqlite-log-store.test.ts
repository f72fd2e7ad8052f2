import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logLine, logLines } from '@containerops/sdk/testing';
import { SqliteLogStoreErrorCode } from './errors.js';
import { SCHEMA_VERSION } from './schema.js';
import { createSqliteLogStore } from './sqlite-log-store.js';
import type { SqliteLogStore } from './sqlite-log-store.js';

let dir: string;
const stores: SqliteLogStore[] = [];

function open(options: { pruneChunkSize?: number } = {}, name = 'logs.db'): SqliteLogStore {
  const store = createSqliteLogStore({ path: join(dir, name), ...options });
  stores.push(store);
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'co-logstore-sqlite-'));
});

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function fileBytes(path: string): Promise<number> {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    total += await stat(`${path}${suffix}`).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}

describe('SqliteLogStore file', () => {
  it('creates its file (and directory) in WAL mode with incremental auto-vacuum and the schema version', async () => {
    const store = open({}, 'nested/dir/logs.db');
    await store.append(logLines('r', 's.a.j', 1, 1, 3));
    const db = new Database(join(dir, 'nested/dir/logs.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(2); // INCREMENTAL
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(['log_jobs', 'log_lines']);
      // Compact: the job key is stored once, lines refer to it by integer id.
      expect(db.prepare('SELECT count(*) FROM log_jobs').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('refuses a file written by a newer schema, with a stable code', async () => {
    const path = join(dir, 'future.db');
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => createSqliteLogStore({ path })).toThrow(
      expect.objectContaining({ code: SqliteLogStoreErrorCode.schemaTooNew }),
    );
  });

  it('rejects with stable codes: invalid line, closed store', async () => {
    const store = open();
    const bad = { ...logLine('r', 's.a.j', 1, 1), seq: -3 };
    await expect(store.append([bad])).rejects.toMatchObject({
      code: SqliteLogStoreErrorCode.invalidLine,
      kind: 'user',
    });
    await store.close();
    await expect(store.append([logLine('r', 's.a.j', 1, 1)])).rejects.toMatchObject({
      code: SqliteLogStoreErrorCode.closed,
    });
    await expect(store.deleteRun('r')).rejects.toMatchObject({
      code: SqliteLogStoreErrorCode.closed,
    });
  });

  it('keeps a fractional time and the three streams', async () => {
    const store = open();
    const lines = [
      logLine('r', 's.a.j', 1, 1, { stream: 'stdout', time: 1.5 }),
      logLine('r', 's.a.j', 1, 2, { stream: 'stderr', time: 2 }),
      logLine('r', 's.a.j', 1, 3, { stream: 'system', time: 1_800_000_000_123 }),
    ];
    await store.append(lines);
    expect(await store.read({ runId: 'r', jobPath: 's.a.j' })).toEqual(lines);
  });
});

describe('SqliteLogStore across processes', () => {
  it('follow sees lines another process appends to the same file', async () => {
    const path = join(dir, 'shared.db');
    const store = open({}, 'shared.db');
    const controller = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const line of store.follow(
        { runId: 'r-child', jobPath: 'c.h.ild' },
        controller.signal,
      )) {
        seen.push(line.text);
        if (seen.length === 50) controller.abort();
      }
    })();
    const child = fileURLToPath(new URL('./testdata/append-from-child.ts', import.meta.url));
    const exit = await new Promise<number | null>((resolve, reject) => {
      const proc = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@containerops/source',
          child,
          path,
          'r-child',
          'c.h.ild',
          '50',
        ],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      proc.on('error', reject);
      proc.on('exit', resolve);
    });
    expect(exit).toBe(0);
    await following;
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `from child ${i + 1}`));
  }, 120_000);
});

describe('SqliteLogStore retention', () => {
  it('prunes in chunks and counts exactly', async () => {
    const store = open({ pruneChunkSize: 7 });
    const lines = logLines('r', 'p.r.une', 1, 1, 100).map((l) => ({ ...l, time: l.seq }));
    await store.append(lines);
    expect(await store.prune(51)).toBe(50);
    expect((await store.read({ runId: 'r', jobPath: 'p.r.une' })).map((l) => l.seq)[0]).toBe(51);
    expect(await store.deleteRun('r')).toBe(50);
  });

  it('shrinks the files once old lines are pruned or a run is deleted', async () => {
    const path = join(dir, 'logs.db');
    const store = open();
    const text = 'x'.repeat(200);
    for (let b = 0; b < 20; b++) {
      await store.append(
        logLines('old', 'big.old.job', 1, b * 1000 + 1, (b + 1) * 1000, { text, time: 1 }),
      );
      await store.append(logLines('run2', 'big.new.job', 1, b * 100 + 1, (b + 1) * 100, { text }));
    }
    await store.compact();
    const full = await fileBytes(path);
    expect(full).toBeGreaterThan(4_000_000);
    expect(await store.prune(2)).toBe(20_000);
    const pruned = await fileBytes(path);
    expect(pruned).toBeLessThan(full / 4);
    expect(await store.deleteRun('run2')).toBe(2000);
    expect(await fileBytes(path)).toBeLessThan(pruned / 2);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM log_jobs').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });
});
