/**
 * Databases that several server replicas share, for the replica tests, created fresh on the local
 * servers that `npm run services` starts, with their Debian clients (`psql`, `mariadb`):
 *
 * - `postgres`: state on PostgreSQL, logs on MariaDB (the MySQL-protocol `tidb` log store);
 * - `tidb`: state and logs on TiDB (`tidb-server -store unistore`, port 4000).
 *
 * Plus the Redis URL. With CI=true a missing server fails the test file with the reason; outside
 * CI the tests skip and say why.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PG = ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1'];
const MARIADB = ['-h', '127.0.0.1', '-P', '3306', '-u', 'root'];
const TIDB = ['-h', '127.0.0.1', '-P', '4000', '-u', 'root'];

export type SharedSetup = 'postgres' | 'tidb';

export interface SharedDatabases {
  readonly available: boolean;
  readonly redisUrl: string;
  /** Creates the state and log databases of `setup`; `drop()` removes them. */
  create(setup: SharedSetup): Promise<{ state: string; logs: string; drop(): Promise<void> }>;
}

const firstLine = (error: Error): string => error.message.split('\n')[0] ?? '';

export async function requireSharedDatabases(): Promise<SharedDatabases> {
  const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/0';
  const problems: string[] = [];
  await run('psql', [...PG, '-c', 'SELECT 1']).catch((e: Error) =>
    problems.push(`PostgreSQL: ${firstLine(e)}`),
  );
  await run('mariadb', [...MARIADB, '-e', 'SELECT 1']).catch((e: Error) =>
    problems.push(`MariaDB: ${firstLine(e)}`),
  );
  await run('mariadb', [...TIDB, '-e', 'SELECT 1']).catch((e: Error) =>
    problems.push(`TiDB: ${firstLine(e)} (bash scripts/tidb/ensure-tidb.sh)`),
  );
  await run('redis-cli', ['-u', redisUrl, 'PING']).then(
    ({ stdout }) => {
      if (stdout.trim() !== 'PONG') problems.push(`Redis answered ${stdout.trim()}`);
    },
    (e: Error) => problems.push(`Redis: ${firstLine(e)}`),
  );
  if (problems.length > 0) {
    const why = `${problems.join('; ')} (start them: npm run services)`;
    if (process.env['CI'] === 'true') throw new Error(`replica tests need their services: ${why}`);
    console.warn(`skipping replica tests: ${why}`);
  }
  return {
    available: problems.length === 0,
    redisUrl,
    async create(setup) {
      const name = `co_replicas_${randomBytes(4).toString('hex')}`;
      if (setup === 'tidb') {
        await run('mariadb', [...TIDB, '-e', `CREATE DATABASE ${name}`]);
        const url = `mysql://root@127.0.0.1:4000/${name}`;
        return {
          state: url,
          logs: url,
          drop: async () =>
            void (await run('mariadb', [...TIDB, '-e', `DROP DATABASE IF EXISTS ${name}`])),
        };
      }
      await run('psql', [...PG, '-c', `CREATE DATABASE ${name}`]);
      await run('mariadb', [...MARIADB, '-e', `CREATE DATABASE ${name} CHARACTER SET utf8mb4`]);
      return {
        state: `postgres://postgres@127.0.0.1:5432/${name}`,
        logs: `mysql://root@127.0.0.1:3306/${name}`,
        async drop() {
          await run('psql', [...PG, '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
          await run('mariadb', [...MARIADB, '-e', `DROP DATABASE IF EXISTS ${name}`]);
        },
      };
    },
  };
}
