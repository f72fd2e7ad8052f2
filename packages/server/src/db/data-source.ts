/**
 * Opens the server's database: SQLite through better-sqlite3 (the default: WAL, a busy timeout,
 * synchronous NORMAL), PostgreSQL (pg) or MySQL/MariaDB (mysql2) from a URL, and brings its schema
 * up to date with the migrations (never `synchronize`).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/server-config.js';
import { ALL_ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { ensureIncrementalVacuum } from './sqlite-maintenance.js';

/**
 * Driver modules are handed to TypeORM explicitly: its own lookup (`require` from its install
 * location) fails under vitest's module runner.
 */
const requireDriver = createRequire(import.meta.url);

/** How long a SQLite writer waits for a lock before SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export interface OpenDatabaseOptions {
  /** PostgreSQL schema to use (tests isolate themselves in one). */
  readonly schema?: string;
}

export function dataSourceOptions(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): DataSourceOptions {
  const common = {
    entities: ALL_ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (config.type === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      driver: requireDriver('better-sqlite3') as unknown,
      database: config.path,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        // Before journal_mode: switching a new file to WAL writes its header, after which
        // auto_vacuum can only change through a full VACUUM (see ensureIncrementalVacuum).
        db.pragma('auto_vacuum = INCREMENTAL');
        db.pragma('journal_mode = WAL');
        db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
        // WAL + NORMAL: durable across process crashes (SIGKILL), at risk only on power loss.
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      },
    };
  }
  if (config.type === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      driver: requireDriver('pg') as unknown,
      url: config.url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      extra: { max: 10 },
    };
  }
  return {
    ...common,
    type: 'mysql',
    driver: requireDriver('mysql2') as unknown,
    url: config.url,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
  };
}

/** Opens the database and runs pending migrations. The caller closes it (`destroy()`). */
export async function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): Promise<DataSource> {
  if (config.type === 'sqlite') mkdirSync(dirname(config.path), { recursive: true });
  const dataSource = new DataSource(dataSourceOptions(config, options));
  await dataSource.initialize();
  try {
    ensureIncrementalVacuum(dataSource);
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

/** True for a SQLite database (maintenance such as checkpoints applies). */
export function isSqlite(dataSource: DataSource): boolean {
  return dataSource.options.type === 'better-sqlite3';
}
