/** The `local` orchestrator as a plugin (`orchestrator: local` in the server config). */
import { isAbsolute } from 'node:path';
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { createLocalOrchestrator } from './local-orchestrator.js';
import type { LocalOrchestratorOptions } from './local-orchestrator.js';

/** Accepts no config, or `{ rootDir: <absolute path> }`. */
export const localOrchestratorConfig: ConfigSchema<LocalOrchestratorOptions> = {
  parse(input: unknown): LocalOrchestratorOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input))
      throw new Error('expected an object such as { rootDir: "/var/lib/containerops" }');
    const unknown = Object.keys(input).filter((key) => key !== 'rootDir');
    if (unknown.length > 0)
      throw new Error(`unknown setting ${unknown.join(', ')}; the only one is rootDir`);
    const { rootDir } = input;
    if (rootDir === undefined) return {};
    if (typeof rootDir !== 'string' || !isAbsolute(rootDir))
      throw new Error('rootDir must be an absolute path');
    return { rootDir };
  },
};

export const localOrchestratorPlugin = definePlugin({
  kind: 'orchestrator',
  name: 'local',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'Runs job commands as child processes on this machine (no images, no isolation).',
  configSchema: localOrchestratorConfig,
  create: (config) => createLocalOrchestrator(config),
});
