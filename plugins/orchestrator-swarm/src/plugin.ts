import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { swarmImagePolicies } from './image-resolver.js';
import type { SwarmImagePolicy } from './image-resolver.js';
import { swarmLogSources } from './job-logs.js';
import type { SwarmLogSource } from './job-logs.js';
import { createSwarmOrchestrator } from './swarm-orchestrator.js';
import type { SwarmOrchestratorOptions } from './swarm-options.js';

const KEYS = [
  'socketPath',
  'imagePolicy',
  'volumeDriver',
  'volumeDriverOptions',
  'placementConstraints',
  'stopGraceMs',
  'init',
  'pollIntervalMs',
  'logSource',
  'unschedulableTimeoutMs',
  'pingTimeoutMs',
];
const DURATIONS = ['stopGraceMs', 'pollIntervalMs', 'unschedulableTimeoutMs', 'pingTimeoutMs'];

function optionalString(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new Error(`swarm: ${key} must be a non-empty string`);
  return value;
}

function optionalBoolean(config: Record<string, unknown>, key: string): boolean | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`swarm: ${key} must be true or false`);
  return value;
}

function oneOf<T extends string>(
  config: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = config[key];
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new Error(`swarm: ${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function stringMap(value: unknown, key: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isConfigObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new Error(`swarm: ${key} must map names to strings`);
  }
  return value as Record<string, string>;
}

function stringList(value: unknown, key: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new Error(`swarm: ${key} must be a list of non-empty strings`);
  }
  return value as string[];
}

/** Validates the `swarm` block of the server config into {@link SwarmOrchestratorOptions}. */
export const swarmConfigSchema: ConfigSchema<SwarmOrchestratorOptions> = {
  parse(input: unknown): SwarmOrchestratorOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input)) throw new Error('swarm: the config must be an object');
    const unknownKeys = Object.keys(input).filter((key) => !KEYS.includes(key));
    if (unknownKeys.length > 0) {
      throw new Error(
        `swarm: unknown setting(s) ${unknownKeys.join(', ')}; known: ${KEYS.join(', ')}`,
      );
    }
    for (const key of DURATIONS) {
      const value = input[key];
      if (
        value !== undefined &&
        (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      ) {
        throw new Error(`swarm: ${key} must be a non-negative number of milliseconds`);
      }
    }
    const options: Record<string, unknown> = {
      socketPath: optionalString(input, 'socketPath'),
      imagePolicy: oneOf<SwarmImagePolicy>(input, 'imagePolicy', swarmImagePolicies),
      volumeDriver: optionalString(input, 'volumeDriver'),
      volumeDriverOptions: stringMap(input['volumeDriverOptions'], 'volumeDriverOptions'),
      placementConstraints: stringList(input['placementConstraints'], 'placementConstraints'),
      logSource: oneOf<SwarmLogSource>(input, 'logSource', swarmLogSources),
      init: optionalBoolean(input, 'init'),
      ...Object.fromEntries(DURATIONS.map((key) => [key, input[key]])),
    };
    return Object.fromEntries(
      Object.entries(options).filter(([, value]) => value !== undefined),
    ) as SwarmOrchestratorOptions;
  },
};

/** The `swarm` orchestrator plugin: one replicated-job service per job attempt, one volume per run. */
export const swarmOrchestratorPlugin = definePlugin({
  kind: 'orchestrator',
  name: 'swarm',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description:
    'Runs each job as a Docker Swarm service in replicated-job mode; the run workspace is a volume',
  configSchema: swarmConfigSchema,
  create: (config: SwarmOrchestratorOptions) => createSwarmOrchestrator(config),
});
