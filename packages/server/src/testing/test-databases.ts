/**
 * Databases for tests: a fresh SQLite file, a unique PostgreSQL schema, or a unique MariaDB/MySQL
 * or TiDB database, each dropped by `cleanup()`. PostgreSQL, MariaDB and TiDB are the local
 * servers of the dev machine (127.0.0.1; TiDB from `scripts/tidb/ensure-tidb.sh`, through the
 * same `mysql` driver as MariaDB); outside CI a missing server skips (with the reason), in CI it
 * fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';

export type TestDialect = 'sqlite' | 'postgres' | 'mysql' | 'tidb';

/** Every database the server's state is tested on. */
export const STATE_TEST_DIALECTS: readonly TestDialect[] = ['sqlite', 'postgres', 'mysql', 'tidb'];

export const PG_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
export const TIDB_URL = process.env['TEST_TIDB_URL'] ?? 'mysql://root@127.0.0.1:4000/test';

/** The server URL of a MySQL-protocol dialect. */
function mysqlUrlOf(dialect: 'mysql' | 'tidb'): string {
  return dialect === 'tidb' ? TIDB_URL : MYSQL_URL;
}

export interface TestDatabase {
  readonly db: Database;
  cleanup(): Promise<void>;
}

function uniqueName(): string {
  return `co_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function openTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'co-server-db-'));
    const db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'test.db') }));
    return {
      db,
      async cleanup() {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = uniqueName();
  if (dialect === 'postgres') {
    const admin = new DataSource(dataSourceOptions({ type: 'postgres', url: PG_URL }));
    await admin.initialize();
    await admin.query(`CREATE SCHEMA "${name}"`);
    const db = new Database(
      await openDatabase({ type: 'postgres', url: PG_URL }, { schema: name }),
    );
    return {
      db,
      async cleanup() {
        await db.close();
        await admin.query(`DROP SCHEMA "${name}" CASCADE`);
        await admin.destroy();
      },
    };
  }
  const serverUrl = mysqlUrlOf(dialect);
  const admin = new DataSource(dataSourceOptions({ type: 'mysql', url: serverUrl }));
  await admin.initialize();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  const db = new Database(await openDatabase({ type: 'mysql', url }));
  return {
    db,
    async cleanup() {
      await db.close();
      await admin.query(`DROP DATABASE \`${name}\``);
      await admin.destroy();
    },
  };
}

/**
 * Whether the dialect's server answers. In CI (`CI=true`) a missing server is an error; outside
 * CI the caller skips and this prints why.
 */
export async function dialectAvailable(dialect: TestDialect): Promise<boolean> {
  if (dialect === 'sqlite') return true;
  const url = dialect === 'postgres' ? PG_URL : mysqlUrlOf(dialect);
  const probe = new DataSource(
    dataSourceOptions(dialect === 'postgres' ? { type: 'postgres', url } : { type: 'mysql', url }),
  );
  try {
    await probe.initialize();
    // TEST_TIDB_URL pointing at MariaDB (or the reverse) would test the wrong server in silence.
    const isTidb =
      dialect === 'postgres'
        ? false
        : String(((await probe.query('SELECT VERSION() AS v')) as { v: string }[])[0]?.v).includes(
            'TiDB',
          );
    await probe.destroy();
    if (dialect !== 'postgres' && isTidb !== (dialect === 'tidb'))
      throw new Error(`the server there is ${isTidb ? '' : 'not '}TiDB`);
    return true;
  } catch (error) {
    await probe.destroy().catch(() => undefined);
    const start = dialect === 'tidb' ? 'bash scripts/tidb/ensure-tidb.sh' : 'npm run services';
    const why = `${dialect} at ${url} is not reachable: ${(error as Error).message} (start it: ${start})`;
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`skipping ${dialect} tests: ${why}`);
    return false;
  }
}
