import { describe, expect, it } from 'vitest';
import { checkPluginCompatibility } from '@containerops/sdk';
import { dockerConfigSchema, dockerOrchestratorPlugin } from './plugin.js';

describe('dockerOrchestratorPlugin', () => {
  it('is a compatible orchestrator plugin named docker', () => {
    expect(() => checkPluginCompatibility(dockerOrchestratorPlugin)).not.toThrow();
    expect(dockerOrchestratorPlugin).toMatchObject({ kind: 'orchestrator', name: 'docker' });
  });

  it('creates an orchestrator named docker without touching the engine', async () => {
    const orchestrator = await dockerOrchestratorPlugin.create(
      { socketPath: '/nonexistent.sock' },
      {
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
    );
    expect(orchestrator.name).toBe('docker');
    expect(orchestrator.capabilities).toMatchObject({ images: true, reattach: true });
  });
});

describe('dockerConfigSchema', () => {
  it('accepts an empty config and every known setting', () => {
    expect(dockerConfigSchema.parse(undefined)).toEqual({});
    const full = {
      socketPath: '/run/docker.sock',
      network: 'none',
      pullPolicy: 'never',
      registryAuth: { 'ghcr.io': { username: 'u', password: 'p' } },
      stopGraceMs: 5000,
      init: false,
      pingTimeoutMs: 500,
    };
    expect(dockerConfigSchema.parse(full)).toEqual(full);
  });

  it.each([
    [{ pullPolicy: 'sometimes' }, /pullPolicy must be one of/],
    [{ network: 3 }, /network must be a non-empty string/],
    [{ registryAuth: { 'ghcr.io': { username: 'u' } } }, /registryAuth\["ghcr.io"\]/],
    [{ stopGraceMs: -1 }, /stopGraceMs/],
    [{ sockPath: '/x' }, /unknown setting\(s\) sockPath/],
    ['text', /must be an object/],
  ])('rejects %j with a message that says what is wrong', (input, message) => {
    expect(() => dockerConfigSchema.parse(input)).toThrow(message);
  });
});
