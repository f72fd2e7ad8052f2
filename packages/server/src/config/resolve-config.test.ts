import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_CONFIG } from './config-error.js';
import { SETTING_KEYS } from './config-sources.js';
import { loadServerConfig, resolveServerConfig } from './resolve-config.js';
import type { LoadConfigOptions } from './resolve-config.js';
import {
  DEFAULT_LEASE_TTL_MS,
  DEFAULT_RETENTION_INTERVAL_MS,
  DEFAULT_RETENTION_WORKSPACES_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from './server-config.js';

let cwd: string;
beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'co-config-'))));
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

function writeConfig(text: string, name = 'containerops.yaml'): string {
  const path = join(cwd, name);
  writeFileSync(path, text);
  return path;
}

function load(options: Omit<LoadConfigOptions, 'cwd'> = {}) {
  return loadServerConfig({ env: {}, ...options, cwd });
}

/** The message of the INVALID_CONFIG error `promise` rejects with. */
async function problem(promise: Promise<unknown>): Promise<string> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { code?: string; message?: string } | undefined;
  expect(error?.code).toBe(INVALID_CONFIG);
  return error?.message ?? '';
}

describe('loadServerConfig precedence', () => {
  it('uses the defaults without any source', async () => {
    const config = await load();
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: join(cwd, 'data'),
      database: { type: 'sqlite', path: join(cwd, 'data', 'containerops.db') },
      logStorePath: join(cwd, 'data', 'logs.db'),
      orchestrator: 'auto',
      retention: {
        intervalMs: DEFAULT_RETENTION_INTERVAL_MS,
        workspacesMs: DEFAULT_RETENTION_WORKSPACES_MS,
      },
      plugins: [],
      shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS,
      replicas: 'one',
    });
    expect(config.retention.runsMs).toBeUndefined();
  });

  it('reads ./containerops.yaml implicitly; env beats the file; flags beat env', async () => {
    writeConfig('port: 7001\nhost: 127.0.0.2\ndata: ./from-file\nretention:\n  runs: 30d\n');
    expect(await load()).toMatchObject({
      port: 7001,
      host: '127.0.0.2',
      dataDir: join(cwd, 'from-file'),
      retention: { runsMs: 30 * 86_400_000 },
    });
    const env = { CONTAINEROPS_PORT: '7002', CONTAINEROPS_DATA: 'from-env' };
    expect(await load({ env })).toMatchObject({
      port: 7002,
      host: '127.0.0.2',
      dataDir: join(cwd, 'from-env'),
    });
    expect(await load({ env, flags: { port: '7003' } })).toMatchObject({
      port: 7003,
      dataDir: join(cwd, 'from-env'),
    });
  });

  it('honours PORT, weaker than CONTAINEROPS_PORT and flags', async () => {
    expect((await load({ env: { PORT: '7010' } })).port).toBe(7010);
    expect((await load({ env: { PORT: '7010', CONTAINEROPS_PORT: '7011' } })).port).toBe(7011);
    expect((await load({ env: { PORT: '7010' }, flags: { port: '7012' } })).port).toBe(7012);
    expect(await problem(load({ env: { PORT: 'http' } }))).toMatch(/^PORT: port must be/);
  });

  it('reads the shutdown grace period and the replica mode from file, env and flags', async () => {
    writeConfig('shutdownGrace: 1m\nreplicas: many\n');
    expect(await load()).toMatchObject({ shutdownGraceMs: 60_000, replicas: 'many' });
    const env = { CONTAINEROPS_SHUTDOWN_GRACE: '5s', CONTAINEROPS_REPLICAS: 'one' };
    expect(await load({ env })).toMatchObject({ shutdownGraceMs: 5_000, replicas: 'one' });
    expect((await load({ env, flags: { shutdownGrace: '90' } })).shutdownGraceMs).toBe(90_000);
    expect(await problem(load({ flags: { shutdownGrace: 'soon' } }))).toMatch(
      /^--shutdown-grace: invalid duration "soon"/,
    );
    expect(await problem(load({ env: { CONTAINEROPS_REPLICAS: 'two' } }))).toMatch(
      /^CONTAINEROPS_REPLICAS: replicas must be "one" or "many"/,
    );
  });

  it('reads the Redis URL and the lease TTL of replicas, with their defaults', async () => {
    const defaults = await load();
    expect(defaults.leaseTtlMs).toBe(DEFAULT_LEASE_TTL_MS);
    expect(defaults.redisUrl).toBeUndefined();
    writeConfig('replicas: many\nredis: redis://cache:6379/2\nleaseTtl: 30s\n');
    expect(await load()).toMatchObject({
      replicas: 'many',
      redisUrl: 'redis://cache:6379/2',
      leaseTtlMs: 30_000,
    });
    const env = { CONTAINEROPS_REDIS_URL: 'rediss://x:6380', CONTAINEROPS_LEASE_TTL: '5s' };
    expect(await load({ env })).toMatchObject({ redisUrl: 'rediss://x:6380', leaseTtlMs: 5_000 });
    expect(await problem(load({ env: { CONTAINEROPS_REDIS_URL: 'localhost:6379' } }))).toBe(
      'CONTAINEROPS_REDIS_URL: expected a redis:// URL, got "localhost:6379"',
    );
  });

  it('reads --config FILE instead of ./containerops.yaml', async () => {
    writeConfig('port: 7001\n');
    writeConfig('port: 7005\n', 'other.yaml');
    expect((await load({ file: 'other.yaml' })).port).toBe(7005);
  });

  it('parses durations like workflow files (plain numbers are seconds) and every retention env var', async () => {
    writeConfig('retention:\n  runs: 600\n  interval: 90s\n  workspaces: 2h\n');
    expect((await load()).retention).toEqual({
      runsMs: 600_000,
      intervalMs: 90_000,
      workspacesMs: 7_200_000,
    });
    const env = {
      CONTAINEROPS_RETENTION_RUNS: '1d',
      CONTAINEROPS_RETENTION_INTERVAL: '5m',
      CONTAINEROPS_RETENTION_WORKSPACES: '3600',
    };
    expect((await load({ env })).retention).toEqual({
      runsMs: 86_400_000,
      intervalMs: 300_000,
      workspacesMs: 3_600_000,
    });
  });

  it('reads database URLs and orchestrator settings', async () => {
    const env = {
      CONTAINEROPS_DATABASE_URL: 'mariadb://root@127.0.0.1/test',
      CONTAINEROPS_ORCHESTRATOR: 'local',
      CONTAINEROPS_ORCHESTRATOR_CONFIG: '{"rootDir":"/tmp/x"}',
    };
    expect(await load({ env })).toMatchObject({
      database: { type: 'mysql', url: 'mysql://root@127.0.0.1/test' },
      orchestrator: 'local',
      orchestratorConfig: { rootDir: '/tmp/x' },
    });
    writeConfig('database: sqlite:state/co.db\n');
    expect((await load()).database).toEqual({ type: 'sqlite', path: join(cwd, 'state/co.db') });
  });

  it('reads plugins: names, paths relative to the working directory, and { module, config }', async () => {
    writeConfig(
      'plugins:\n  - some-plugin\n  - ./local/plugin.js\n  - module: other\n    config: { a: 1 }\n',
    );
    expect((await load()).plugins).toEqual([
      {
        module: 'some-plugin',
        baseDir: cwd,
        where: `${join(cwd, 'containerops.yaml')}:2:3 (plugin 1)`,
      },
      {
        module: join(cwd, 'local/plugin.js'),
        baseDir: cwd,
        where: `${join(cwd, 'containerops.yaml')}:2:3 (plugin 2)`,
      },
      {
        module: 'other',
        config: { a: 1 },
        baseDir: cwd,
        where: `${join(cwd, 'containerops.yaml')}:2:3 (plugin 3)`,
      },
    ]);
    const fromEnv = await load({ env: { CONTAINEROPS_PLUGINS: 'a, b' } });
    expect(fromEnv.plugins.map((p) => [p.module, p.where])).toEqual([
      ['a', 'CONTAINEROPS_PLUGINS'],
      ['b', 'CONTAINEROPS_PLUGINS'],
    ]);
    // A JSON list in the environment carries each plugin's config (deployments by env alone).
    const json = await load({
      env: {
        CONTAINEROPS_PLUGINS: '[{"module": "@x/logs", "config": {"url": "mysql://h/db"}}, "b"]',
      },
    });
    expect(json.plugins.map((p) => [p.module, p.config])).toEqual([
      ['@x/logs', { url: 'mysql://h/db' }],
      ['b', undefined],
    ]);
    expect(await problem(load({ env: { CONTAINEROPS_PLUGINS: '[{"module": ' } }))).toMatch(
      /^CONTAINEROPS_PLUGINS: not a valid JSON list: /,
    );
  });

  it('survives being resolved again (startServer re-resolves a loaded config)', async () => {
    writeConfig('plugins: [{ module: x, config: { k: v } }]\nretention: { runs: 1h }\n');
    const loaded = await load();
    const again = resolveServerConfig(loaded, '/elsewhere');
    expect(again.plugins).toEqual(loaded.plugins);
    expect(again.retention).toEqual(loaded.retention);
    expect(again.database).toEqual(loaded.database);
  });
});

describe('loadServerConfig errors name where the bad value came from', () => {
  it('YAML syntax errors: file:line:col', async () => {
    const path = writeConfig('port: 8080\nhost: [unclosed\n');
    expect(await problem(load())).toMatch(new RegExp(`^${path}:\\d+:\\d+: `));
  });

  it('unknown settings (also under retention) and a scalar retention: file:line:col', async () => {
    const path = writeConfig('port: 8080\n  \nprot: 9\n');
    expect(await problem(load())).toBe(
      `${path}:3:1: unknown setting "prot"; known: ${SETTING_KEYS.join(', ')}`,
    );
    writeConfig('retention:\n  run: 30d\n');
    expect(await problem(load())).toMatch(
      new RegExp(`^${path}:2:3: unknown setting "retention.run"`),
    );
    writeConfig('retention: 30d\n');
    expect(await problem(load())).toMatch(new RegExp(`^${path}:1:12: expected a map`));
  });

  it('bad values in the file: file:line:col of the value', async () => {
    const path = writeConfig('host: 127.0.0.1\nport: eighty\n');
    expect(await problem(load())).toMatch(
      new RegExp(`^${path}:2:7: port must be an integer from 0 to 65535`),
    );
    writeConfig('port:\n');
    expect(await problem(load())).toMatch(new RegExp(`^${path}:1:\\d+: port must be an integer`));
    writeConfig('retention:\n  runs: soon\n');
    expect(await problem(load())).toMatch(new RegExp(`^${path}:2:9: invalid duration "soon"`));
    // Any plugin name passes here (a loaded plugin may carry it); the host checks it at start.
    writeConfig('orchestrator: Kube Nets\n');
    expect(await problem(load())).toMatch(
      new RegExp(`^${path}:1:15: orchestrator "Kube Nets" is not a plugin name`),
    );
    writeConfig('database: { type: oracle }\n');
    expect(await problem(load())).toMatch(new RegExp(`^${path}:1:11: expected a string`));
    writeConfig('plugins: [{ module: x, extra: 1 }]\n');
    expect(await problem(load())).toMatch(
      new RegExp(`^${path}:1:10 \\(plugin 1\\): unknown key extra`),
    );
    writeConfig('publicUrl: ftp://x\n');
    expect(await problem(load())).toBe(`${path}:1:12: expected an http(s) URL, got "ftp://x"`);
  });

  it('a missing --config file names the file', async () => {
    expect(await problem(load({ file: 'nope.yaml' }))).toMatch(
      new RegExp(`^${join(cwd, 'nope.yaml')}: cannot read the config file`),
    );
  });

  it('bad environment variables: the variable', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ CONTAINEROPS_PORT: '70000' }, /^CONTAINEROPS_PORT: port must be an integer/],
      [{ CONTAINEROPS_RETENTION_RUNS: '-1d' }, /^CONTAINEROPS_RETENTION_RUNS: invalid duration/],
      [
        { CONTAINEROPS_RETENTION_WORKSPACES: '0' },
        /^CONTAINEROPS_RETENTION_WORKSPACES: .*more than 0/,
      ],
      [
        { CONTAINEROPS_ORCHESTRATOR_CONFIG: '{nope' },
        /^CONTAINEROPS_ORCHESTRATOR_CONFIG: expected a JSON object/,
      ],
      [
        { CONTAINEROPS_DATABASE_URL: 'oracle://x' },
        /^CONTAINEROPS_DATABASE_URL: unsupported database URL/,
      ],
      [
        { CONTAINEROPS_SECRET_KEY: 'c2hvcnQ=' },
        /^CONTAINEROPS_SECRET_KEY: must be the base64 of exactly 32 bytes/,
      ],
      [
        { CONTAINEROPS_PUBLIC_URL: 'not a url' },
        /^CONTAINEROPS_PUBLIC_URL: expected an http\(s\) URL/,
      ],
    ];
    for (const [env, message] of cases) expect(await problem(load({ env }))).toMatch(message);
  });

  it('bad flags: the flag', async () => {
    expect(await problem(load({ flags: { port: 'x' } }))).toMatch(/^--port: port must be/);
    expect(await problem(load({ flags: { orchestrator: 'K8S!' } }))).toMatch(
      /^--orchestrator: orchestrator "K8S!" is not a plugin name/,
    );
    expect(await problem(load({ flags: { database: 'redis://x' } }))).toMatch(
      /^--database: unsupported database URL/,
    );
  });

  it('a flag overrides a bad file value without reading it', async () => {
    // Overridden values are never read: the flag wins and the start goes on.
    writeConfig('port: nope\n');
    expect((await load({ flags: { port: '9' } })).port).toBe(9);
  });
});
