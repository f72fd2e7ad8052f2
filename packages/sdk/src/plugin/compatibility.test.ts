import { describe, expect, it } from 'vitest';
import { FakeOrchestrator } from '@containerops/core/testing';
import { checkPluginCompatibility, createPluginInstance } from './compatibility.js';
import { noConfig } from './config-schema.js';
import { definePlugin, SDK_VERSION } from './definition.js';

const valid = definePlugin({
  kind: 'orchestrator',
  name: 'fake',
  version: '1.0.0',
  sdkVersion: '^0.1.0',
  configSchema: noConfig,
  create: () => new FakeOrchestrator(),
});

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('checkPluginCompatibility', () => {
  it('accepts a well-formed plugin for this SDK', () => {
    expect(SDK_VERSION).toBe('0.1.0');
    expect(() => checkPluginCompatibility(valid)).not.toThrow();
    expect(Object.isFrozen(valid)).toBe(true);
  });

  it('refuses an SDK range this SDK does not satisfy, saying which', () => {
    const old = { ...valid, sdkVersion: '^0.2.0' };
    expect(codeOf(() => checkPluginCompatibility(old))).toBe('PLUGIN_INCOMPATIBLE');
    expect(() => checkPluginCompatibility(old)).toThrow(
      /needs @containerops\/sdk \^0\.2\.0.*runs SDK 0\.1\.0/,
    );
    expect(() => checkPluginCompatibility(valid, '1.0.0')).toThrow(/PLUGIN_INCOMPATIBLE|needs/);
  });

  it.each([
    ['not an object', 42],
    ['unknown kind', { ...valid, kind: 'database' }],
    ['missing create', { ...valid, create: undefined }],
    ['missing schema', { ...valid, configSchema: {} }],
    ['bad name', { ...valid, name: 'Has Spaces' }],
    ['bad version', { ...valid, version: 'one' }],
    ['bad range', { ...valid, sdkVersion: 'latest' }],
  ])('refuses a malformed definition: %s', (_label, definition) => {
    expect(codeOf(() => checkPluginCompatibility(definition))).toBe('PLUGIN_INVALID');
  });
});

describe('createPluginInstance', () => {
  it('validates config and creates the instance', async () => {
    const instance = await createPluginInstance(valid, undefined, { kind: 'orchestrator' });
    expect(instance.name).toBe('fake');
  });

  it('reports a bad config with the schema message', async () => {
    await expect(createPluginInstance(valid, { x: 1 })).rejects.toMatchObject({
      code: 'PLUGIN_INVALID',
      message: expect.stringContaining('takes no configuration') as unknown,
    });
  });

  it('refuses a plugin of another kind', async () => {
    await expect(
      createPluginInstance(valid, undefined, { kind: 'logStore' }),
    ).rejects.toMatchObject({
      code: 'PLUGIN_INVALID',
    });
  });
});
