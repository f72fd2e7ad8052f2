import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noConfig } from '../plugin/config-schema.js';
import { definePlugin } from '../plugin/definition.js';
import type { PluginDefinition } from '../plugin/definition.js';
import { PLUGIN_NOT_FOUND, PluginHost } from './plugin-host.js';
import { resolvePluginModule } from './resolve-plugin-module.js';

let dir: string;

/** Writes an installed package `name` under `dir`'s node_modules. */
function installPackage(name: string, manifest: object, files: Record<string, string>): void {
  const root = join(dir, 'node_modules', name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name, type: 'module', ...manifest }));
}

const pluginSource = (kind: string, name: string, extra = ''): string =>
  `export default { kind: '${kind}', name: '${name}', version: '2.0.0', sdkVersion: '^0.1.0',
  configSchema: { parse: (c) => c ?? {} }, create: (config) => ({ config${extra} }) };\n`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'co-host-'));
  // Node's rules the hand-written resolver missed: subpath patterns and nested conditions.
  installPackage(
    '@acme/multi',
    {
      exports: {
        './kinds/*': { node: { import: './dist/kinds/*.js', require: './cjs/nope.cjs' } },
        '.': { types: './x.d.ts', default: './dist/main.js' },
      },
    },
    {
      'dist/kinds/notifier.js': pluginSource('notifier', 'acme-notify'),
      'dist/main.js': pluginSource('orchestrator', 'acme-orch'),
    },
  );
  installPackage(
    '@acme/sqlite-again',
    { exports: './index.js' },
    {
      'index.js': pluginSource(
        'logStore',
        'sqlite',
        ', health: async () => ({ ok: false, reason: "disk gone" })',
      ),
    },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ref = (module: string, where = 'test') => ({ module, baseDir: join(dir, 'a', 'b'), where });

describe('resolvePluginModule', () => {
  it('follows exports subpath patterns and nested conditions', () => {
    expect(resolvePluginModule('@acme/multi/kinds/notifier', join(dir, 'x'))).toBe(
      `file://${join(dir, 'node_modules/@acme/multi/dist/kinds/notifier.js')}`,
    );
    expect(resolvePluginModule('@acme/multi', dir)).toMatch(/dist\/main\.js$/);
    expect(() => resolvePluginModule('@acme/multi/hidden', dir)).toThrow(/does not export/);
  });
});

const builtin = (
  kind: 'orchestrator' | 'logStore',
  name: string,
  definition?: PluginDefinition,
) => ({
  kind,
  name,
  description: name,
  load: () => Promise.resolve(definition),
});

const fakeOrchestrator = (available: boolean): PluginDefinition =>
  definePlugin({
    kind: 'orchestrator',
    name: 'inproc',
    version: '0.3.0',
    sdkVersion: '^0.1.0',
    configSchema: noConfig,
    create: () =>
      ({
        name: 'inproc',
        isAvailable: () =>
          Promise.resolve({ available, reason: available ? undefined : 'no engine' }),
      }) as never,
  });

describe('PluginHost', () => {
  it('keeps one list: built-ins and loaded plugins alike, created by kind and name', async () => {
    const host = new PluginHost();
    host.addBuiltin(builtin('orchestrator', 'inproc', fakeOrchestrator(true)));
    await host.load(ref('@acme/multi'));
    expect(host.entries('orchestrator').map((e) => [e.name, e.source])).toEqual([
      ['inproc', 'builtin'],
      ['acme-orch', '@acme/multi'],
    ]);
    const created = (await host.create('orchestrator', 'acme-orch')) as unknown as {
      config: unknown;
    };
    expect(created.config).toEqual({});
  });

  it('refuses an unknown name, listing the known ones', async () => {
    const host = new PluginHost();
    host.addBuiltin(builtin('orchestrator', 'inproc', fakeOrchestrator(true)));
    await expect(host.create('orchestrator', 'nomad')).rejects.toMatchObject({
      code: PLUGIN_NOT_FOUND,
      message: expect.stringContaining('unknown orchestrator "nomad"; known: inproc') as string,
    });
  });

  it('says when a built-in package is not installed', async () => {
    const host = new PluginHost();
    host.addBuiltin(builtin('orchestrator', 'gone'));
    await expect(host.create('orchestrator', 'gone')).rejects.toThrow(/is not installed/);
  });

  it('lets a loaded plugin take the place of the built-in of its name', async () => {
    const host = new PluginHost();
    host.addBuiltin(builtin('logStore', 'sqlite'));
    await host.load(ref('@acme/sqlite-again'));
    expect(host.entries('logStore')).toMatchObject([
      { name: 'sqlite', source: '@acme/sqlite-again' },
    ]);
    await expect(host.load(ref('@acme/sqlite-again', 'again'))).rejects.toThrow(
      /\(again\): a second logStore plugin named "sqlite"/,
    );
  });

  it('reports the health of every created instance, from health() or isAvailable()', async () => {
    const host = new PluginHost();
    host.addBuiltin(builtin('orchestrator', 'inproc', fakeOrchestrator(false)));
    await host.load(ref('@acme/sqlite-again'));
    await host.create('orchestrator', 'inproc');
    await host.create('logStore', 'sqlite');
    expect(await host.health()).toEqual([
      {
        kind: 'orchestrator',
        name: 'inproc',
        version: '0.3.0',
        source: 'builtin',
        ok: false,
        reason: 'no engine',
      },
      {
        kind: 'logStore',
        name: 'sqlite',
        version: '2.0.0',
        source: '@acme/sqlite-again',
        ok: false,
        reason: 'disk gone',
      },
    ]);
  });
});
