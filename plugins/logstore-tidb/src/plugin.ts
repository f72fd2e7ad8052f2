/** The TiDB/MySQL log store as a plugin (`logStore: tidb` in the server config). */
import { configSettings, definePlugin } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { checkTableName } from './schema.js';
import { openTidbLogStore } from './tidb-log-store.js';
import type { TidbLogStoreOptions } from './tidb-log-store.js';

/** The plugin's config block: {@link TidbLogStoreOptions} without the callbacks. */
export type TidbLogStoreConfig = Omit<TidbLogStoreOptions, 'warn'>;

const integerSettings = [
  'retentionDays',
  'pollIntervalMs',
  'maxPollIntervalMs',
  'connectionLimit',
  'maxRowsPerStatement',
  'maxStatementBytes',
  'maxTransactionBytes',
  'maxLineBytes',
  'pruneChunkSize',
] as const;
const settings = ['url', 'table', ...integerSettings];

/**
 * Accepts `{ url, table?, retentionDays?, ... }` (see the README's table). `url` is required:
 * there is no sensible default database.
 */
export const tidbLogStoreConfig: ConfigSchema<TidbLogStoreConfig> = {
  parse(input: unknown): TidbLogStoreConfig {
    const given = configSettings(
      input,
      settings,
      '{ url: "mysql://root@127.0.0.1:4000/containerops" }',
    );
    const { url, table } = given;
    if (typeof url !== 'string' || !/^mysql:\/\/[^/]+\/[^/?]+/.test(url))
      throw new Error(
        'url must be a mysql:// URL naming the database, such as "mysql://user:password@127.0.0.1:4000/containerops"',
      );
    const config: { -readonly [K in keyof TidbLogStoreConfig]: TidbLogStoreConfig[K] } = { url };
    if (table !== undefined) {
      if (typeof table !== 'string') throw new Error('table must be a string');
      config.table = checkTableName(table);
    }
    for (const name of integerSettings) {
      const value = given[name];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
        throw new Error(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
      config[name] = value;
    }
    return config;
  },
};

export const tidbLogStorePlugin = definePlugin({
  kind: 'logStore',
  name: 'tidb',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description:
    'Job log lines in TiDB (or MariaDB/MySQL): batched idempotent appends, follow across processes, TTL retention.',
  configSchema: tidbLogStoreConfig,
  create: async (config, context) => {
    const store = await openTidbLogStore({
      ...config,
      warn: (message) => context.logger.warn(message),
    });
    context.logger.debug('tidb log store opened', {
      where: store.where,
      dialect: store.server.dialect,
      retention: store.retentionMode,
    });
    return store;
  },
});
