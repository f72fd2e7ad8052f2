/**
 * What the conformance suite does not cover, on every server of the matrix (TiDB, MariaDB): the
 * table's shape per dialect, schema versions, batches split across statements and transactions,
 * TiDB's entry-size limit, retention by TTL (TiDB) or batched deletes, a second process appending
 * while this one follows, and errors with stable codes.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createConnection } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { logLine, logLines } from '@containerops/sdk/testing';
import { TidbLogStoreErrorCode } from './errors.js';
import { createTestDatabase, requireServer, testServers } from './testing/test-servers.js';
import type { TestDatabase } from './testing/test-servers.js';
import { openTidbLogStore } from './tidb-log-store.js';
import type { TidbLogStore, TidbLogStoreOptions } from './tidb-log-store.js';

describe('TidbLogStore without a server', () => {
  it('rejects open with LOG_STORE_FAILED naming where, without the password', async () => {
    const refused = await openTidbLogStore({ url: 'mysql://co:secret@127.0.0.1:1/none' }).then(
      () => undefined,
      (error: unknown) => error as { code?: string; message: string },
    );
    expect(refused?.code).toBe(TidbLogStoreErrorCode.storageFailed);
    expect(refused?.message).toContain('127.0.0.1:1/none.containerops_log_lines: open failed');
    expect(refused?.message).not.toContain('secret');
  });
});

for (const server of testServers) {
  const gate = await requireServer(server);
  describe.skipIf(!gate.available)(`TidbLogStore on ${server.dialect}`, () => {
    let database: TestDatabase | undefined;
    let tables = 0;
    const stores: TidbLogStore[] = [];
    beforeAll(async () => {
      database = await createTestDatabase(server.url);
    });
    afterAll(() => database?.drop());
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close();
    });

    const url = (): string => {
      if (database === undefined) throw new Error('the test database was not created');
      return database.url;
    };
    const open = async (options: Partial<TidbLogStoreOptions> = {}): Promise<TidbLogStore> => {
      const store = await openTidbLogStore({ url: url(), table: `t_${++tables}`, ...options });
      stores.push(store);
      return store;
    };
    const sql = async (statement: string): Promise<RowDataPacket[]> => {
      const connection = await createConnection({ uri: url() });
      try {
        const [rows] = await connection.query<RowDataPacket[]>(statement);
        return rows;
      } finally {
        await connection.end();
      }
    };

    it('detects the server and creates its table: clustered (run, job, attempt, seq) key, sharded time index', async () => {
      const store = await open();
      expect(store.server.dialect).toBe(server.dialect);
      expect(store.retentionMode).toBe('none');
      const [row] = await sql(`SHOW CREATE TABLE \`${store.table}\``);
      const ddl = String(row?.['Create Table']);
      expect(ddl).toMatch(/PRIMARY KEY \(`run_key`,\s*`job_key`,\s*`attempt`,\s*`seq`\)/);
      expect(ddl).toMatch(/KEY `by_time` \(`shard`,\s*`time_ms`\)/);
      expect(ddl).toContain('containerops log store schema 1');
      expect(ddl).not.toMatch(/AUTO_INCREMENT/i);
      if (server.dialect === 'tidb') expect(ddl).toMatch(/CLUSTERED/);
    });

    it('refuses a table written by a newer schema, with a stable code', async () => {
      const store = await open();
      await sql(`ALTER TABLE \`${store.table}\` COMMENT = 'containerops log store schema 99'`);
      await expect(openTidbLogStore({ url: url(), table: store.table })).rejects.toMatchObject({
        code: TidbLogStoreErrorCode.schemaTooNew,
      });
    });

    it('writes a batch needing several statements and transactions whole, in order', async () => {
      const store = await open({ maxRowsPerStatement: 50, maxTransactionBytes: 40_000 });
      const run = 'run-big-batch';
      const lines = [
        ...logLines(run, 'b.i.g', 1, 1, 700),
        ...logLines(run, 'b.i.g', 2, 1, 300, { text: 'x'.repeat(100) }),
      ];
      await store.append(lines);
      expect(await store.read({ runId: run, jobPath: 'b.i.g' })).toEqual(lines);
      // Re-appending the whole batch (a retry after a failure) changes nothing.
      await store.append(lines);
      expect(await store.read({ runId: run, jobPath: 'b.i.g' })).toHaveLength(1000);
    });

    it('stores a line as large as the default maxLineBytes (under TiDB’s 6 MiB entry limit)', async () => {
      const store = await open();
      const text = 'é'.repeat((6 * 1024 * 1024 - 64 * 1024) / 2); // 2 bytes each in UTF-8
      await store.append([logLine('run-large', 'l.a.rge', 1, 1, { text })]);
      const [stored] = await store.read({ runId: 'run-large', jobPath: 'l.a.rge' });
      expect(stored?.text.length).toBe(text.length);
      expect(stored?.text === text).toBe(true);
    });

    it('refuses a batch holding a line over maxLineBytes, storing none of it', async () => {
      const store = await open({ maxLineBytes: 1000 });
      const batch = [
        logLine('run-too-large', 't.o.o', 1, 1),
        logLine('run-too-large', 't.o.o', 1, 2, { text: 'y'.repeat(1001) }),
      ];
      await expect(store.append(batch)).rejects.toMatchObject({
        code: TidbLogStoreErrorCode.lineTooLarge,
        kind: 'user',
        details: { index: 1, bytes: 1001, maxLineBytes: 1000 },
      });
      expect(await store.read({ runId: 'run-too-large', jobPath: 't.o.o' })).toEqual([]);
    });

    if (server.dialect === 'tidb') {
      it('retentionDays sets a TiDB TTL on stored_at; without it the TTL is removed', async () => {
        const store = await open({ retentionDays: 7 });
        expect(store.retentionMode).toBe('ttl');
        const ttlOf = async (): Promise<string> => {
          const [row] = await sql(`SHOW CREATE TABLE \`${store.table}\``);
          return String(row?.['Create Table']);
        };
        expect(await ttlOf()).toMatch(/TTL=`stored_at` \+ INTERVAL 7 DAY/);
        expect(await ttlOf()).toMatch(/TTL_ENABLE='ON'/);
        const changed = await openTidbLogStore({
          url: url(),
          table: store.table,
          retentionDays: 30,
        });
        stores.push(changed);
        expect(await ttlOf()).toMatch(/TTL=`stored_at` \+ INTERVAL 30 DAY/);
        const without = await openTidbLogStore({ url: url(), table: store.table });
        stores.push(without);
        expect(without.retentionMode).toBe('none');
        expect(await ttlOf()).not.toMatch(/TTL=/);
      });
    } else {
      it('retentionDays falls back to batched deletes where the server has no TTL tables', async () => {
        const store = await open({ retentionDays: 7 });
        expect(store.retentionMode).toBe('batched-delete');
      });
    }

    it('prune deletes in chunks across every time shard', async () => {
      const store = await open({ pruneChunkSize: 7 });
      // 40 runs spread over the 16 shards, 10 lines each at times 1000..1009.
      const lines = Array.from({ length: 40 }, (_, r) =>
        logLines(`run-prune-${r}`, 'p.r.une', 1, 1, 10).map((line) => ({
          ...line,
          time: 1000 + line.seq - 1,
        })),
      ).flat();
      await store.append(lines);
      expect(await store.prune(1005)).toBe(200);
      expect(await store.prune(2000)).toBe(200);
      expect(await store.deleteRun('run-prune-0')).toBe(0);
    });

    it('follow sees lines another process appends to the same table', async () => {
      const store = await open({ pollIntervalMs: 20, maxPollIntervalMs: 200 });
      const controller = new AbortController();
      const seen: string[] = [];
      const following = (async () => {
        for await (const line of store.follow(
          { runId: 'run-child', jobPath: 'c.h.ild' },
          controller.signal,
        )) {
          seen.push(line.text);
          if (seen.length === 30) controller.abort();
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
            url(),
            store.table,
            'run-child',
            'c.h.ild',
            '30',
          ],
          { stdio: ['ignore', 'inherit', 'inherit'] },
        );
        proc.on('error', reject);
        proc.on('exit', resolve);
      });
      expect(exit).toBe(0);
      await following;
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `from child ${i + 1}`));
    }, 120_000);

    it('reports health, and rejects with stable codes once closed', async () => {
      const store = await open();
      expect(await store.health()).toEqual({ ok: true });
      await store.close();
      expect(await store.health()).toEqual({ ok: false, reason: 'the log store is closed' });
      await expect(store.deleteRun('r')).rejects.toMatchObject({
        code: TidbLogStoreErrorCode.closed,
      });
      // Closed wins over an invalid line: nothing is checked on a closed store.
      const invalid = { ...logLine('r', 's.a.j', 1, 1), seq: -1 };
      await expect(store.append([invalid])).rejects.toMatchObject({
        code: TidbLogStoreErrorCode.closed,
      });
    });
  });
}
