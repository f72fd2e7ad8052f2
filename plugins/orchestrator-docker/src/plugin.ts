import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { createDockerOrchestrator } from './docker-orchestrator.js';
import type { DockerOrchestratorOptions } from './docker-options.js';
import type { RegistryCredentials } from './image/image-ref.js';
import { pullPolicies } from './image/image-provider.js';
import type { PullPolicy } from './image/image-provider.js';

const KEYS = [
  'socketPath',
  'network',
  'pullPolicy',
  'registryAuth',
  'stopGraceMs',
  'init',
  'pingTimeoutMs',
];

function optionalString(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new Error(`docker: ${key} must be a non-empty string`);
  return value;
}

function optionalDuration(config: Record<string, unknown>, key: string): number | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`docker: ${key} must be a non-negative number of milliseconds`);
  }
  return value;
}

function registryAuth(value: unknown): Record<string, RegistryCredentials> | undefined {
  if (value === undefined) return undefined;
  if (!isConfigObject(value))
    throw new Error('docker: registryAuth must map registry hosts to {username, password}');
  const result: Record<string, RegistryCredentials> = {};
  for (const [registry, entry] of Object.entries(value)) {
    if (
      !isConfigObject(entry) ||
      typeof entry['username'] !== 'string' ||
      typeof entry['password'] !== 'string'
    ) {
      throw new Error(
        `docker: registryAuth["${registry}"] must be {username: string, password: string}`,
      );
    }
    result[registry] = { username: entry['username'], password: entry['password'] };
  }
  return result;
}

/** Validates the `docker` block of the server config into {@link DockerOrchestratorOptions}. */
export const dockerConfigSchema: ConfigSchema<DockerOrchestratorOptions> = {
  parse(input: unknown): DockerOrchestratorOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input)) throw new Error('docker: the config must be an object');
    const unknownKeys = Object.keys(input).filter((key) => !KEYS.includes(key));
    if (unknownKeys.length > 0) {
      throw new Error(
        `docker: unknown setting(s) ${unknownKeys.join(', ')}; known: ${KEYS.join(', ')}`,
      );
    }
    const pullPolicy = input['pullPolicy'];
    if (pullPolicy !== undefined && !pullPolicies.includes(pullPolicy as PullPolicy)) {
      throw new Error(`docker: pullPolicy must be one of ${pullPolicies.join(', ')}`);
    }
    const init = input['init'];
    if (init !== undefined && typeof init !== 'boolean')
      throw new Error('docker: init must be true or false');
    const options: Record<string, unknown> = {
      socketPath: optionalString(input, 'socketPath'),
      network: optionalString(input, 'network'),
      pullPolicy,
      registryAuth: registryAuth(input['registryAuth']),
      stopGraceMs: optionalDuration(input, 'stopGraceMs'),
      init,
      pingTimeoutMs: optionalDuration(input, 'pingTimeoutMs'),
    };
    return Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ) as DockerOrchestratorOptions;
  },
};

/** The `docker` orchestrator plugin: one container per job attempt, one volume per run. */
export const dockerOrchestratorPlugin = definePlugin({
  kind: 'orchestrator',
  name: 'docker',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description:
    'Runs each job as a Docker container (dockerode); the run workspace is a Docker volume',
  configSchema: dockerConfigSchema,
  create: (config: DockerOrchestratorOptions) => createDockerOrchestrator(config),
});
