import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServerLogger } from '../logger.js';
import type { Principal } from '../services/contracts.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/plugins');

const WORKFLOW = `
uri: default/demo/plugged
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: greet
            command: "echo through the plugin"
  - type: end
    name: end
`;

describe('plugins named in the config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'co-plugged-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('a configured orchestrator and log store', () => {
    let server: StartedServer;
    let admin: Principal;
    const rootDir = (): string => join(dir, 'fixture-root');

    beforeAll(async () => {
      server = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: join(dir, 'data'),
          // One way to choose: a loaded orchestrator runs the jobs only when named here.
          orchestrator: 'fixture-local',
          plugins: [
            { module: join(FIXTURES, 'good-orchestrator'), config: { rootDir: rootDir() } },
            { module: join(FIXTURES, 'good-log-store.ts'), config: { name: 'fixture.db' } },
          ],
          announce: () => undefined,
        },
        { logger: silentServerLogger },
      );
      admin = (await server.services.identity.authenticate(
        `Bearer ${server.adminToken ?? ''}`,
      )) as Principal;
    }, 60_000);
    afterAll(async () => {
      await server?.close();
    });

    it('run the jobs and keep the lines: chosen by name, the log store in the built-in place', async () => {
      expect(server.engines.orchestrator.name).toBe('fixture-local');
      await server.services.workflows.apply(admin, WORKFLOW);
      const run = await server.services.runs.trigger(admin, 'default/demo/plugged');
      const done = await server.engines.whenDone(run.snapshot.runId);
      expect(done?.status).toBe('succeeded');
      expect(readFileSync(join(rootDir(), 'started-jobs'), 'utf8')).toMatch(
        /^build-compile-greet-/,
      );
      const lines = await server.services.runs.logs(admin, {
        runId: run.snapshot.runId,
        jobPath: 'build.compile.greet',
      });
      expect(lines.map((l) => l.text)).toContain('through the plugin');
      // The plugin's own data directory holds its file; the built-in logs.db was never made.
      expect(existsSync(join(dir, 'data', 'plugins', 'logStore-fixture-logs', 'fixture.db'))).toBe(
        true,
      );
      expect(existsSync(join(dir, 'data', 'logs.db'))).toBe(false);
    }, 60_000);
  });

  it('a loaded orchestrator is not chosen unless named, and an unknown name stops the start', async () => {
    const plugins = [
      { module: join(FIXTURES, 'good-orchestrator'), config: { rootDir: join(dir, 'unused') } },
    ];
    const local = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: join(dir, 'not-chosen'),
        orchestrator: 'local',
        plugins,
      },
      { logger: silentServerLogger },
    );
    try {
      expect(local.engines.orchestrator.name).toBe('local');
    } finally {
      await local.close();
    }
    const dataDir = join(dir, 'unknown-name');
    const error = await startServer(
      { port: 0, host: '127.0.0.1', dataDir, orchestrator: 'nomad', plugins },
      { logger: silentServerLogger },
    ).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('PLUGIN_NOT_FOUND');
    expect(error?.message).toContain(
      'orchestrator "nomad": no orchestrator plugin has that name; known: auto, docker, swarm, kubernetes, local, fixture-local',
    );
    expect(existsSync(dataDir)).toBe(false);
  });

  it('a broken plugin stops the start, with its name and problem, before anything is created', async () => {
    const dataDir = join(dir, 'never-created');
    const module = join(FIXTURES, 'incompatible-sdk.ts');
    const error = await startServer(
      { port: 0, host: '127.0.0.1', dataDir, orchestrator: 'local', plugins: [module] },
      { logger: silentServerLogger },
    ).then(
      async (server) => {
        await server.close();
        return undefined;
      },
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error?.code).toBe('PLUGIN_INCOMPATIBLE');
    expect(error?.message).toMatch(
      new RegExp(`^plugin "${module}" \\(plugins \\(plugin 1\\)\\): plugin "from-the-future"`),
    );
    expect(existsSync(dataDir)).toBe(false);
  });
});
