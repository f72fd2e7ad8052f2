/**
 * Issue 10 item 3: one server per data directory, and per PostgreSQL/MariaDB database unless the
 * operator opts in (`replicas: many`, with Redis). Real `containerops serve` processes: the second is refused
 * at start with one line naming what is locked and who holds it (exit 1, no stack trace); after
 * the first is SIGKILLed, the lock is gone with it and a new server starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killServe, spawnServe, startServe } from '../src/serve-child.js';
import type { ServeChild } from '../src/serve-child.js';

const PG_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env['TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';

const children: ServeChild[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(children.map(killServe));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'co-single-'));
  dirs.push(dir);
  return dir;
}

const LOCAL = { CONTAINEROPS_ORCHESTRATOR: 'local' };

/** Starts a second server expected to be refused; returns its exit and its stderr. */
async function refused(args: string[], env: Record<string, string> = {}) {
  const second = spawnServe(args, { ...LOCAL, ...env });
  children.push(second);
  // Bounded: a server that is not refused keeps running (the failure is then the exit code).
  const exit = await Promise.race([
    second.exited,
    new Promise<{ code: null; signal: null }>((resolve) =>
      setTimeout(() => resolve({ code: null, signal: null }), 60_000),
    ),
  ]);
  return { exit, stderr: second.stderr(), stdout: second.stdout() };
}

describe('one server per data directory (SQLite)', () => {
  it(
    'refuses a second server on the same data directory; a SIGKILL of the first frees it',
    { timeout: 120_000 },
    async () => {
      const dir = await dataDir();
      const first = await startServe(['--data', dir, '--port', '0'], LOCAL);
      children.push(first);
      expect(first.adminToken).toMatch(/^co_/);

      const second = await refused(['--data', dir, '--port', '0']);
      expect(second.exit.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toEqual([
        `containerops: another ContainerOps server (pid ${first.child.pid} on host ${hostname()}) is using the data directory ${dir}: stop it first, or give this one another directory (--data DIR or CONTAINEROPS_DATA)`,
      ]);
      // Refused before touching anything: the first still serves.
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

      await killServe(first);
      const third = await startServe(['--data', dir, '--port', '0'], LOCAL);
      children.push(third);
      expect(third.adminToken).toBeNull(); // the same state, opened again
      expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
    },
  );
});

interface SharedDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * Runs one SQL statement as the database's administrator through its command-line client (psql,
 * mysql): the test process itself stays free of database drivers.
 */
async function adminSql(type: 'postgres' | 'mysql', sql: string): Promise<void> {
  const url = new URL(type === 'postgres' ? PG_URL : MYSQL_URL);
  const args =
    type === 'postgres'
      ? [
          '-h',
          url.hostname,
          '-p',
          url.port || '5432',
          '-U',
          url.username,
          '-d',
          url.pathname.slice(1),
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          sql,
        ]
      : ['-h', url.hostname, '-P', url.port || '3306', '-u', url.username, '-e', sql];
  await promisify(execFile)(type === 'postgres' ? 'psql' : 'mysql', args, { timeout: 30_000 });
}

/** A fresh database on the machine's server, or undefined (CI: an error) when it is not there. */
async function freshDatabase(type: 'postgres' | 'mysql'): Promise<SharedDatabase | undefined> {
  const name = `co_single_${randomBytes(4).toString('hex')}`;
  const base = type === 'postgres' ? PG_URL : MYSQL_URL;
  try {
    await adminSql(type, `CREATE DATABASE ${name}`);
  } catch (error) {
    const why = `${type} at ${base} is not reachable: ${(error as Error).message}`;
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`skipping the ${type} single-instance test: ${why}`);
    return undefined;
  }
  return {
    url: base.replace(/\/[^/]*$/, `/${name}`),
    drop: () =>
      adminSql(
        type,
        type === 'postgres'
          ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`
          : `DROP DATABASE IF EXISTS ${name}`,
      ),
  };
}

for (const type of ['postgres', 'mysql'] as const) {
  const database = await freshDatabase(type);
  describe.skipIf(database === undefined)(`one server per ${type} database`, () => {
    afterAll(async () => {
      await Promise.all(children.map(killServe));
      await database?.drop();
    });

    it(
      'refuses a second server on the same database unless replicas: many; a SIGKILL frees the lock',
      { timeout: 180_000 },
      async () => {
        const url = (database as SharedDatabase).url;
        const env = { ...LOCAL, CONTAINEROPS_DATABASE_URL: url };
        const first = await startServe(['--data', await dataDir(), '--port', '0'], env);
        children.push(first);

        // Another data directory, the same database.
        const second = await refused(['--data', await dataDir(), '--port', '0'], env);
        expect(second.exit.code).toBe(1);
        const lines = second.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain('holds the server lock of the database');
        const { protocol, host, pathname } = new URL(url);
        expect(lines[0]).toContain(`the database ${protocol}//${host}${pathname}:`);
        expect(lines[0]).toContain('replicas: many');
        expect(lines[0]).toMatch(
          type === 'postgres'
            ? new RegExp(`containerops server pid ${first.child.pid} on `)
            : /connection \d+ from [\w.]+:\d+\)/,
        );

        // The operator opts in (replicas share Redis): it starts as a replica beside the first.
        const opted = await startServe(
          ['--data', await dataDir(), '--port', '0', '--replicas', 'many'],
          { ...env, CONTAINEROPS_REDIS_URL: REDIS_URL },
        );
        children.push(opted);
        expect(opted.stderr()).toMatch(/replica \S+: run claims last \d+ ms without renewal/);
        await killServe(opted);

        await killServe(first);
        const third = await startServe(['--data', await dataDir(), '--port', '0'], env);
        children.push(third);
        expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
        await killServe(third);
      },
    );
  });
}
