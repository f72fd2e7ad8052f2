/**
 * __PACKAGE__: the `__NAME__` orchestrator plugin for ContainerOps. The default export is its
 * definition; the host (server `plugins:` / `containerops run --plugin`) loads it and
 * `orchestrator: __NAME__` / `--orchestrator __NAME__` selects it.
 */
import { isAbsolute, join } from 'node:path';
import { tmpdir } from 'node:os';
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { __CLASS__Orchestrator } from './orchestrator.js';

export interface __CLASS__Config {
  /** Where run workspaces live; default: the host's data directory for this plugin. */
  readonly rootDir?: string;
}

/** Validates the plugin's config block; the message of what it throws reaches the operator. */
export const configSchema: ConfigSchema<__CLASS__Config> = {
  parse(input) {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input)) throw new Error('expected a map such as { rootDir: /var/lib/x }');
    const { rootDir, ...rest } = input;
    const unknown = Object.keys(rest);
    if (unknown.length > 0)
      throw new Error(`unknown setting ${unknown.join(', ')}; known: rootDir`);
    if (rootDir !== undefined && (typeof rootDir !== 'string' || !isAbsolute(rootDir)))
      throw new Error('rootDir must be an absolute path');
    return rootDir === undefined ? {} : { rootDir };
  },
};

const plugin = definePlugin({
  kind: 'orchestrator',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  description: '__NAME__ orchestrator',
  configSchema,
  create: (config, context) =>
    new __CLASS__Orchestrator({
      rootDir: config.rootDir ?? join(context.dataDir ?? tmpdir(), 'workspaces'),
      logger: context.logger,
    }),
});

export default plugin;
