/**
 * The MySQL-protocol servers the tests run against, on this machine's loopback: TiDB
 * (`scripts/tidb/ensure-tidb.sh`, port 4000) and MariaDB (`scripts/ci/ensure-databases.sh`, port
 * 3306). `requireServer` is the gate of a test file: with `CI=true` a missing server (or one that
 * is not the expected kind, e.g. TEST_TIDB_URL pointing at MariaDB) THROWS, so the file fails
 * instead of passing by skipping; otherwise it prints why on stderr and the file skips.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import { detectDialect } from '../dialect.js';
import type { Dialect } from '../dialect.js';

export const TIDB_URL = process.env['TEST_TIDB_URL'] ?? 'mysql://root@127.0.0.1:4000/test';
export const MARIADB_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

/** The servers of the matrix: what each is called, where, and how to start it. */
export const testServers = [
  { dialect: 'tidb', url: TIDB_URL, start: 'bash scripts/tidb/ensure-tidb.sh' },
  { dialect: 'mariadb', url: MARIADB_URL, start: 'bash scripts/ci/ensure-databases.sh' },
] as const satisfies readonly { dialect: Dialect; url: string; start: string }[];

export type TestServer = (typeof testServers)[number];

export interface ServerGate {
  readonly available: boolean;
  readonly reason?: string;
}

/** Whether `server` answers and is the expected kind; see the file comment for CI. */
export async function requireServer(server: TestServer): Promise<ServerGate> {
  let reason: string | undefined;
  try {
    const connection = await createConnection({ uri: server.url, connectTimeout: 5000 });
    try {
      const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS version');
      const version = String(rows[0]?.['version'] ?? '');
      const found = detectDialect(version).dialect;
      if (found !== server.dialect)
        reason = `${server.url} is ${found} (${version}), not ${server.dialect}`;
    } finally {
      await connection.end();
    }
  } catch (error) {
    reason = `${server.dialect} at ${server.url} is not reachable (${(error as Error).message}); start it with \`${server.start}\``;
  }
  if (reason === undefined) return { available: true };
  if (process.env['CI'] === 'true') throw new Error(`${server.dialect} required in CI: ${reason}`);
  process.stderr.write(`[${server.dialect} log store tests skipped] ${reason}\n`);
  return { available: false, reason };
}

/** A database of its own for one test file; `drop()` removes it. */
export interface TestDatabase {
  /** The server URL with this database in its path. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `co_logs_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ uri: serverUrl });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await createConnection({ uri: serverUrl });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
