import { describe, expect, it } from 'vitest';
import { checkPluginCompatibility } from '@containerops/sdk';
import { swarmConfigSchema, swarmOrchestratorPlugin } from './plugin.js';

describe('swarmOrchestratorPlugin', () => {
  it('is a compatible orchestrator plugin named swarm', () => {
    expect(swarmOrchestratorPlugin).toMatchObject({ kind: 'orchestrator', name: 'swarm' });
    expect(() => checkPluginCompatibility(swarmOrchestratorPlugin)).not.toThrow();
  });

  it('creates an orchestrator from a parsed config', async () => {
    const orchestrator = await swarmOrchestratorPlugin.create(
      swarmConfigSchema.parse({ socketPath: '/nope.sock' }),
      {
        logger: {
          debug: () => undefined,
          info: () => undefined,
          warn: () => undefined,
          error: () => undefined,
        },
      },
    );
    expect(orchestrator.name).toBe('swarm');
    expect(await orchestrator.isAvailable()).toMatchObject({
      available: false,
      reason: expect.stringContaining('/nope.sock') as string,
    });
  });
});

describe('swarmConfigSchema', () => {
  it('accepts nothing, and every known setting', () => {
    expect(swarmConfigSchema.parse(undefined)).toEqual({});
    const full = {
      socketPath: '/var/run/docker.sock',
      imagePolicy: 'registry',
      volumeDriver: 'local',
      volumeDriverOptions: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' },
      placementConstraints: ['node.role==worker'],
      stopGraceMs: 5000,
      init: false,
      pollIntervalMs: 100,
      logSource: 'task',
      unschedulableTimeoutMs: 1000,
      pingTimeoutMs: 500,
    };
    expect(swarmConfigSchema.parse(full)).toEqual(full);
  });

  it('refuses unknown keys and bad values with a message that says what to fix', () => {
    expect(() => swarmConfigSchema.parse({ replicas: 2 })).toThrow(/unknown setting\(s\) replicas/);
    expect(() => swarmConfigSchema.parse({ imagePolicy: 'pull' })).toThrow(
      /imagePolicy must be one of local, registry/,
    );
    expect(() => swarmConfigSchema.parse({ stopGraceMs: -1 })).toThrow(
      /non-negative number of milliseconds/,
    );
    expect(() => swarmConfigSchema.parse({ placementConstraints: 'node.role==worker' })).toThrow(
      /list of non-empty strings/,
    );
    expect(() => swarmConfigSchema.parse({ volumeDriverOptions: { size: 1 } })).toThrow(
      /map names to strings/,
    );
  });
});
