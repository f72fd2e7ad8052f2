/**
 * Databases for tests: a fresh SQLite file, a unique PostgreSQL schema, or a unique MariaDB/MySQL
 * database, each dropped by `cleanup()`. PostgreSQL and MariaDB are the local servers of the dev
 * machine (127.0.0.1); outside CI a missing server skips (with the reason), in CI it fails.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';

export type TestDialect = 'sqlite' | 'postgres' | 'mysql';

export const PG_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

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
  const admin = new DataSource(dataSourceOptions({ type: 'mysql', url: MYSQL_URL }));
  await admin.initialize();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const url = MYSQL_URL.replace(/\/[^/]*$/, `/${name}`);
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
  const probe = new DataSource(
    dataSourceOptions(
      dialect === 'postgres'
        ? { type: 'postgres', url: PG_URL }
        : { type: 'mysql', url: MYSQL_URL },
    ),
  );
  try {
    await probe.initialize();
    await probe.destroy();
    return true;
  } catch (error) {
    const why = `${dialect} at ${dialect === 'postgres' ? PG_URL : MYSQL_URL} is not reachable: ${(error as Error).message}`;
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`skipping ${dialect} tests: ${why}`);
    return false;
  }
}
