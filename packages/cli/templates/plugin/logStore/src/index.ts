/**
 * __PACKAGE__: the `__NAME__` log store plugin for ContainerOps. The default export is its
 * definition; a server that loads it (`plugins:`) keeps job logs in it instead of the built-in
 * SQLite store.
 */
import { isAbsolute, join } from 'node:path';
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { __CLASS__LogStore } from './log-store.js';

export interface __CLASS__Config {
  /** The lines file; relative paths are inside the host's data directory for this plugin. */
  readonly path: string;
}

/** Validates the plugin's config block; the message of what it throws reaches the operator. */
export const configSchema: ConfigSchema<__CLASS__Config> = {
  parse(input) {
    if (input === undefined || input === null) return { path: 'logs.jsonl' };
    if (!isConfigObject(input)) throw new Error('expected a map such as { path: logs.jsonl }');
    const { path = 'logs.jsonl', ...rest } = input;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new Error(`unknown setting ${unknown.join(', ')}; known: path`);
    if (typeof path !== 'string' || path === '') throw new Error('path must be a file path');
    return { path };
  },
};

const plugin = definePlugin({
  kind: 'logStore',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  description: '__NAME__ log store',
  configSchema,
  create: (config, context) => {
    if (!isAbsolute(config.path) && context.dataDir === undefined)
      throw new Error(`path "${config.path}" is relative but the host gives no data directory`);
    const path = isAbsolute(config.path) ? config.path : join(context.dataDir ?? '', config.path);
    context.logger.debug('log store opened', { path });
    return new __CLASS__LogStore(path);
  },
});

export default plugin;
