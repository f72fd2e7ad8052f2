/**
 * The `PluginContext` the server gives every plugin factory, built-in or not: its log (prefixed),
 * its own data directory, and the server's stop signal.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginContext, PluginKind } from '@containerops/sdk';
import type { ServerLogger } from '../logger.js';

/** A plugin by kind and name, or a loaded plugin (its definition says both). */
export type PluginIdentity =
  | { readonly kind: PluginKind; readonly name: string }
  | { readonly definition: { readonly kind: PluginKind; readonly name: string } };

export function pluginContext(
  plugin: PluginIdentity,
  dataDir: string,
  log: ServerLogger,
  signal?: AbortSignal,
): PluginContext {
  const { kind, name } = 'definition' in plugin ? plugin.definition : plugin;
  const prefix = `plugin ${kind}/${name}:`;
  const line = (message: string, fields?: Readonly<Record<string, unknown>>): string =>
    `${prefix} ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields)}`}`;
  // One directory per plugin so two plugins cannot trip over each other's files.
  const ownDir = join(dataDir, 'plugins', `${kind}-${name}`);
  mkdirSync(ownDir, { recursive: true });
  return {
    dataDir: ownDir,
    logger: {
      debug: () => undefined,
      info: (message, fields) => log.info(line(message, fields)),
      warn: (message, fields) => log.warn(line(message, fields)),
      error: (message, fields) => log.error(line(message, fields)),
    },
    ...(signal === undefined ? {} : { signal }),
  };
}
