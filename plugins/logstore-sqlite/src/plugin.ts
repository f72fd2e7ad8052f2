/** The SQLite log store as a plugin (`logStore: sqlite` in the server config). */
import { isAbsolute, join } from 'node:path';
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { createSqliteLogStore } from './sqlite-log-store.js';
import type { SqliteLogStoreOptions } from './sqlite-log-store.js';

/** The plugin's config block; `path` is relative to the host's data directory unless absolute. */
export interface SqliteLogStoreConfig extends Omit<SqliteLogStoreOptions, 'path'> {
  /** Default `logs.db` (in the data directory). */
  readonly path: string;
}

const settings = ['path', 'synchronous', 'busyTimeoutMs', 'pollIntervalMs', 'pruneChunkSize'];

function positiveInteger(input: Record<string, unknown>, name: string): number | undefined {
  const value = input[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return value;
}

/** Accepts no config, or `{ path?, synchronous?, busyTimeoutMs?, pollIntervalMs?, pruneChunkSize? }`. */
export const sqliteLogStoreConfig: ConfigSchema<SqliteLogStoreConfig> = {
  parse(input: unknown): SqliteLogStoreConfig {
    if (input === undefined || input === null) return { path: 'logs.db' };
    if (!isConfigObject(input))
      throw new Error('expected an object such as { path: "/var/lib/containerops/logs.db" }');
    const unknown = Object.keys(input).filter((key) => !settings.includes(key));
    if (unknown.length > 0)
      throw new Error(`unknown setting ${unknown.join(', ')}; known: ${settings.join(', ')}`);
    const { path = 'logs.db', synchronous } = input;
    if (typeof path !== 'string' || path.trim() === '')
      throw new Error(
        'path must be a file path such as "logs.db" or "/var/lib/containerops/logs.db"',
      );
    if (synchronous !== undefined && synchronous !== 'normal' && synchronous !== 'full')
      throw new Error('synchronous must be "normal" or "full"');
    const config: {
      path: string;
      synchronous?: 'normal' | 'full';
      busyTimeoutMs?: number;
      pollIntervalMs?: number;
      pruneChunkSize?: number;
    } = { path };
    if (synchronous !== undefined) config.synchronous = synchronous;
    for (const name of ['busyTimeoutMs', 'pollIntervalMs', 'pruneChunkSize'] as const) {
      const value = positiveInteger(input, name);
      if (value !== undefined) config[name] = value;
    }
    return config;
  },
};

export const sqliteLogStorePlugin = definePlugin({
  kind: 'logStore',
  name: 'sqlite',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'Job log lines in a SQLite file (WAL), with follow and retention.',
  configSchema: sqliteLogStoreConfig,
  create: (config, context) => {
    let path = config.path;
    if (!isAbsolute(path)) {
      if (context.dataDir === undefined)
        throw new Error(
          `logStore sqlite: path "${path}" is relative but the host gives no data directory; ` +
            'set an absolute path',
        );
      path = join(context.dataDir, path);
    }
    const store = createSqliteLogStore({ ...config, path });
    context.logger.debug('sqlite log store opened', { path });
    return store;
  },
});
