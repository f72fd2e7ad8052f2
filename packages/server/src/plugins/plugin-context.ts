/** The `PluginContext` the server gives plugin factories: its log (prefixed) and data directory. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginContext } from '@containerops/sdk';
import type { ServerLogger } from '../logger.js';
import type { LoadedPlugin } from './load-plugins.js';

export function pluginContext(
  plugin: LoadedPlugin,
  dataDir: string,
  log: ServerLogger,
): PluginContext {
  const prefix = `plugin ${plugin.definition.kind}/${plugin.definition.name}:`;
  const line = (message: string, fields?: Readonly<Record<string, unknown>>): string =>
    `${prefix} ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`;
  // One directory per plugin so two plugins cannot trip over each other's files.
  const ownDir = join(dataDir, 'plugins', `${plugin.definition.kind}-${plugin.definition.name}`);
  mkdirSync(ownDir, { recursive: true });
  return {
    dataDir: ownDir,
    logger: {
      debug: () => undefined,
      info: (message, fields) => log.info(line(message, fields)),
      warn: (message, fields) => log.warn(line(message, fields)),
      error: (message, fields) => log.error(line(message, fields)),
    },
  };
}
