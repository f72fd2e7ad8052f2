import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginReference } from '../config/server-config.js';
import { loadPlugins, PLUGIN_NOT_FOUND } from './load-plugins.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/plugins');

let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'co-plugins-'));
  // An installed, dependency-free ESM package whose exports offer only `import`.
  const pkg = join(cwd, 'node_modules', '@acme', 'co-trigger');
  mkdirSync(join(pkg, 'lib'), { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: '@acme/co-trigger',
      type: 'module',
      exports: { '.': { types: './lib/index.d.ts', import: './lib/index.js' } },
    }),
  );
  writeFileSync(
    join(pkg, 'lib', 'index.js'),
    `export default {
  kind: 'trigger', name: 'acme', version: '1.2.3', sdkVersion: '^0.1.0',
  configSchema: { parse: (input) => { if (input?.secret === undefined) throw new Error('secret is required'); return input; } },
  create: () => ({ start: async () => {}, stop: async () => {}, handleHttp: async () => ({ status: 204 }) }),
};\n`,
  );
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function ref(
  module: string,
  config?: unknown,
  where = 'containerops.yaml:3:5 (plugin 1)',
): PluginReference {
  return { module, baseDir: cwd, where, ...(config === undefined ? {} : { config }) };
}

async function refusal(refs: PluginReference[]): Promise<{ code?: string; message?: string }> {
  return loadPlugins(refs).then(
    () => ({ message: 'loaded' }),
    (e: unknown) => e as { code?: string; message?: string },
  );
}

describe('loadPlugins', () => {
  it('loads nothing when none are configured', async () => {
    const loaded = await loadPlugins([]);
    expect(loaded).toMatchObject({ triggers: [], notifiers: [], hooks: [] });
    expect(loaded.logStore).toBeUndefined();
    // The built-ins are there all the same, each an ordinary entry of the one list.
    expect(loaded.host.entries('orchestrator').map((e) => e.name)).toEqual([
      'docker',
      'swarm',
      'kubernetes',
      'local',
    ]);
  });

  it('loads a package directory, a file and an installed package by name, and validates their configs', async () => {
    const loaded = await loadPlugins([
      ref(join(FIXTURES, 'good-orchestrator'), { rootDir: '/tmp/x' }),
      ref(join(FIXTURES, 'good-log-store.ts'), { name: 'logs.db' }),
      ref('@acme/co-trigger', { secret: 's' }),
    ]);
    // Loading an orchestrator makes it choosable by name; it does not choose it.
    const [orchestrator] = loaded.host.loaded('orchestrator');
    expect(orchestrator?.definition.name).toBe('fixture-local');
    expect(orchestrator?.config).toEqual({ rootDir: '/tmp/x' });
    expect(loaded.host.entries('orchestrator').map((e) => e.name)).toContain('fixture-local');
    expect(loaded.logStore?.definition.name).toBe('fixture-logs');
    expect(loaded.triggers.map((t) => t.definition.name)).toEqual(['acme']);
  });

  it.each([
    [
      'a missing path',
      () => ref(join(FIXTURES, 'nope.ts')),
      PLUGIN_NOT_FOUND,
      'no such file or directory',
    ],
    [
      'a package that is not installed',
      () => ref('co-plugin-that-is-not-installed'),
      PLUGIN_NOT_FOUND,
      'package not found in node_modules',
    ],
    [
      'a module that fails to import',
      () => ref(join(FIXTURES, 'throws-on-import.ts')),
      PLUGIN_NOT_FOUND,
      'fixture: this plugin fails while loading',
    ],
    [
      'a module without a plugin definition',
      () => ref(join(FIXTURES, 'not-a-plugin.ts')),
      'PLUGIN_INVALID',
      'must export an object made with definePlugin',
    ],
    [
      'a definition without create',
      () => ref(join(FIXTURES, 'malformed.ts')),
      'PLUGIN_INVALID',
      'create(config, context) is missing',
    ],
    [
      'a plugin for another SDK',
      () => ref(join(FIXTURES, 'incompatible-sdk.ts')),
      'PLUGIN_INCOMPATIBLE',
      'needs @containerops/sdk ^99.0.0',
    ],
    [
      'an invalid config (the schema says why)',
      () => ref(join(FIXTURES, 'good-orchestrator'), { rootDir: 'relative' }),
      'PLUGIN_INVALID',
      'its config is invalid: rootDir must be an absolute path',
    ],
    [
      'a missing config',
      () => ref('@acme/co-trigger'),
      'PLUGIN_INVALID',
      'its config is invalid: secret is required',
    ],
  ])(
    'refuses %s, naming the plugin and where it was configured',
    async (_what, make, code, why) => {
      const reference = make();
      const error = await refusal([reference]);
      expect(error.code).toBe(code);
      expect(error.message).toContain(
        `plugin "${reference.module}" (containerops.yaml:3:5 (plugin 1)): `,
      );
      expect(error.message).toContain(why);
    },
  );

  it('refuses a second orchestrator of one name', async () => {
    const error = await refusal([
      ref(join(FIXTURES, 'good-orchestrator'), { rootDir: '/a' }),
      ref(join(FIXTURES, 'good-orchestrator'), { rootDir: '/b' }, 'CONTAINEROPS_PLUGINS'),
    ]);
    expect(error.code).toBe('PLUGIN_INVALID');
    expect(error.message).toContain(
      '(CONTAINEROPS_PLUGINS): a second orchestrator plugin named "fixture-local"',
    );
  });
});
