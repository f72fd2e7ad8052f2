/**
 * One server per PostgreSQL/MySQL database unless `replicas: many` (then run leases share the
 * runs out, see replicas/): two `one` servers on one database would both resume and drive the
 * same unfinished runs. The lock is a database-level one held by a connection of its own:
 *
 * - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`), scoped to the database;
 * - MySQL/MariaDB: a named lock (`GET_LOCK`), named after the database (named locks are
 *   server-wide).
 *
 * Both belong to the connection: when the process dies its socket closes and the database server
 * drops the lock. (A host that vanishes without closing its sockets keeps the lock until the
 * database server notices the dead connection, per its TCP keepalive settings.)
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type * as MysqlModule from 'mysql2/promise';
import type * as PgModule from 'pg';
import type { DatabaseConfig } from '../config/server-config.js';
import type { ServerLogger } from '../logger.js';
import { alreadyRunning } from './server-lock.js';
import type { ServerLock } from './server-lock.js';

/**
 * Drivers are loaded with `require` when first needed, as db/data-source.ts does: a SQLite server
 * never loads them, and test runners' ESM loaders mangle pg's CommonJS internals.
 */
const requireDriver = createRequire(import.meta.url);

/** The advisory lock key (two int4): "COPS" and 1, the server's start lock. */
const PG_LOCK_KEY = [0x434f5053, 1] as const;

/**
 * How often the lock's idle connection is used: MySQL closes connections idle for `wait_timeout`
 * (8 h by default), which would silently drop the lock; a failed ping is logged.
 */
const LOCK_PING_MS = 60_000;

const REPLICAS_HINT =
  'stop it first, or run every server with `replicas: many` (CONTAINEROPS_REPLICAS=many) and a ' +
  'shared Redis (CONTAINEROPS_REDIS_URL): replicas share the runs through leases in the database';

/**
 * Takes the database's server lock, or throws {@link alreadyRunning} at once naming the database
 * and the holder (its pid on PostgreSQL, its connection on MySQL). `log` hears of a lock
 * connection lost while the server runs.
 */
export async function lockDatabase(
  config: Extract<DatabaseConfig, { type: 'postgres' | 'mysql' }>,
  log: ServerLogger,
): Promise<ServerLock> {
  return holdLock(config.url, log, config.type === 'postgres' ? openPostgres : openMysql);
}

/** `postgres://user@host:5432/db` without the password, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'the configured database';
  }
}

/** One dialect's lock connection, open; the lock not yet asked for. */
interface LockConnection {
  /** Asks for the lock without waiting: undefined when taken, else who holds it (for messages). */
  take(): Promise<string | undefined>;
  /** Any cheap query: keeps the idle connection, and so the lock, alive. */
  ping(): Promise<unknown>;
  /** Closes the connection, which drops the lock (both dialects tie it to the session). */
  end(): Promise<void>;
}

/** Opens a lock connection; its listeners stay silent once `released()` is true. */
type OpenLockConnection = (
  url: string,
  log: ServerLogger,
  released: () => boolean,
) => Promise<LockConnection>;

/** What both dialects do around their own queries: refuse, clean up, keep alive, release once. */
async function holdLock(
  url: string,
  log: ServerLogger,
  open: OpenLockConnection,
): Promise<ServerLock> {
  let released = false;
  const connection = await open(url, log, () => released);
  try {
    const holder = await connection.take();
    if (holder !== undefined)
      throw alreadyRunning(
        `another ContainerOps server (${holder}) holds the server lock of the database ` +
          `${describe(url)}: ${REPLICAS_HINT}`,
      );
  } catch (error) {
    released = true;
    await connection.end().catch(() => undefined);
    throw error;
  }
  const ping = keepUsing(() => connection.ping(), url, log);
  return {
    what: `database ${describe(url)}`,
    async release() {
      if (released) return;
      released = true;
      clearInterval(ping);
      await connection.end().catch(() => undefined);
    },
  };
}

const openPostgres: OpenLockConnection = async (url, log, released) => {
  const me = `containerops server pid ${process.pid} on ${hostname()}`.slice(0, 63);
  const pg = requireDriver('pg') as typeof PgModule;
  const client = new pg.Client({ connectionString: url, application_name: me, keepAlive: true });
  // Without a listener a dropped connection would crash the process.
  client.on('error', (error) => {
    if (!released()) log.error(`the server lock's connection to ${describe(url)} failed`, error);
  });
  client.on('end', () => {
    if (!released()) {
      log.error(
        `lost the server lock on ${describe(url)} (its connection ended): another server could ` +
          'start on this database now; restart this one',
      );
    }
  });
  await client.connect();
  return {
    async take() {
      const got = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1, $2) AS locked',
        [...PG_LOCK_KEY],
      );
      if (got.rows[0]?.locked === true) return undefined;
      const holder = await client
        .query<{ name: string | null; addr: string | null; pid: number }>(
          `SELECT a.application_name AS name, host(a.client_addr) AS addr, a.pid
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted
              AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [...PG_LOCK_KEY],
        )
        .then((r) => r.rows[0])
        .catch(() => undefined);
      return holder === undefined
        ? 'holder unknown'
        : `${holder.name !== null && holder.name !== '' ? holder.name : 'unnamed client'}` +
            `${holder.addr === null ? '' : ` from ${holder.addr}`}, backend pid ${holder.pid}`;
    },
    ping: () => client.query('SELECT 1'),
    // Ending the session drops its advisory locks.
    end: () => client.end(),
  };
};

const openMysql: OpenLockConnection = async (url, log, released) => {
  const mysql = requireDriver('mysql2/promise') as typeof MysqlModule;
  const connection = await mysql.createConnection({ uri: url, enableKeepAlive: true });
  connection.on('error', (error: Error) => {
    if (!released()) {
      log.error(
        `lost the server lock on ${describe(url)} (its connection failed): another server could ` +
          'start on this database now; restart this one',
        error,
      );
    }
  });
  return {
    async take() {
      const [[row]] = await connection.query<MysqlModule.RowDataPacket[]>(
        'SELECT DATABASE() AS db, CONNECTION_ID() AS me',
      );
      // Named locks are server-wide: the database name keeps two databases apart (≤ 64 chars).
      const name = `containerops.server.${String(row?.['db'] ?? '')}`.slice(0, 64);
      const [[got]] = await connection.query<MysqlModule.RowDataPacket[]>(
        'SELECT GET_LOCK(?, 0) AS locked',
        [name],
      );
      if (Number(got?.['locked']) === 1) return undefined;
      const [[holder]] = await connection
        .query<MysqlModule.RowDataPacket[]>(
          `SELECT p.ID AS id, p.HOST AS host FROM information_schema.PROCESSLIST p
            WHERE p.ID = IS_USED_LOCK(?)`,
          [name],
        )
        .catch(() => [[undefined]] as const);
      return holder === undefined
        ? 'holder unknown'
        : `connection ${String(holder['id'])} from ${String(holder['host'])}`;
    },
    ping: () => connection.query('SELECT 1'),
    // Closing the session releases its named locks.
    end: () => connection.end(),
  };
};

/** Uses the lock's connection every {@link LOCK_PING_MS}; a failure is logged (once per run of failures). */
function keepUsing(
  query: () => Promise<unknown>,
  url: string,
  log: ServerLogger,
): ReturnType<typeof setInterval> {
  let failing = false;
  const timer = setInterval(() => {
    query().then(
      () => (failing = false),
      (error: unknown) => {
        if (!failing) log.error(`the server lock's connection to ${describe(url)} failed`, error);
        failing = true;
      },
    );
  }, LOCK_PING_MS);
  timer.unref();
  return timer;
}
