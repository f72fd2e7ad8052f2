/** The `local` orchestrator as a plugin (`orchestrator: local` in the server config). */
import { isAbsolute } from 'node:path';
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { createLocalOrchestrator } from './local-orchestrator.js';
import type { LocalOrchestratorOptions, LocalSpawnMode } from './local-orchestrator.js';

const SETTINGS = ['rootDir', 'spawn'];
const SPAWN_MODES: readonly LocalSpawnMode[] = ['helper', 'in-process'];

/** Accepts no config, or `{ rootDir?: <absolute path>, spawn?: 'helper' | 'in-process' }`. */
export const localOrchestratorConfig: ConfigSchema<LocalOrchestratorOptions> = {
  parse(input: unknown): LocalOrchestratorOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input))
      throw new Error('expected an object such as { rootDir: "/var/lib/containerops" }');
    const unknown = Object.keys(input).filter((key) => !SETTINGS.includes(key));
    if (unknown.length > 0)
      throw new Error(`unknown setting ${unknown.join(', ')}; known: ${SETTINGS.join(', ')}`);
    const { rootDir, spawn } = input;
    if (rootDir !== undefined && (typeof rootDir !== 'string' || !isAbsolute(rootDir)))
      throw new Error('rootDir must be an absolute path');
    if (spawn !== undefined && !SPAWN_MODES.includes(spawn as LocalSpawnMode))
      throw new Error(`spawn must be one of ${SPAWN_MODES.join(', ')}`);
    return {
      ...(rootDir === undefined ? {} : { rootDir: rootDir as string }),
      ...(spawn === undefined ? {} : { spawn: spawn as LocalSpawnMode }),
    };
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
