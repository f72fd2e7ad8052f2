/**
 * On a running server: the `workflow` trigger starts a workflow when another one's run succeeds,
 * with its outputs in `CO_TRIGGER_OUTPUT_*`; and a GitHub redelivery after a server restart
 * starts nothing (the claim is in the database, not in memory).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServerLogger } from '../../src/logger.js';
import type { Principal } from '../../src/services/contracts.js';
import { startServer } from '../../src/start-server.js';
import type { StartedServer } from '../../src/start-server.js';

const PLUGINS = resolve(import.meta.dirname, '../../../../plugins');
const SECRET = 'restart-webhook-secret';

const build = `
uri: default/chain/build
stages:
  - { type: start, name: start }
  - type: normal
    name: build
    actions:
      - name: pack
        jobs:
          - name: version
            command: 'echo "[COUT] VERSION = 1.2.3"'
            outputs: [VERSION]
  - { type: end, name: end }
`;
const deploy = `
uri: default/chain/deploy
triggers:
  - type: workflow
    workflow: default/chain/build
    status: [succeeded]
stages:
  - { type: start, name: start }
  - type: normal
    name: ship
    actions:
      - name: it
        jobs:
          - name: deploy
            command: 'echo "deploying $CO_TRIGGER_OUTPUT_VERSION after $CO_TRIGGER_WORKFLOW $CO_TRIGGER_STATUS"'
  - { type: end, name: end }
`;
const onPush = `
uri: default/chain/on-push
triggers:
  - type: github
    repository: acme/widgets
    events: [push]
stages:
  - { type: start, name: start }
  - type: normal
    name: ci
    actions:
      - name: it
        jobs:
          - name: echo
            command: 'echo "$CO_TRIGGER_BRANCH"'
  - { type: end, name: end }
`;

describe('chained workflows and redelivery across a restart', () => {
  let dir: string;
  let server: StartedServer;
  let admin: Principal;
  const start = async (): Promise<void> => {
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        orchestrator: 'local',
        announce: () => undefined,
        plugins: [
          { module: join(PLUGINS, 'trigger-github/src/index.ts'), config: { secret: SECRET } },
        ],
      },
      { logger: silentServerLogger },
    );
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'co-chain-'));
    await start();
    admin = (await server.services.identity.authenticate(
      `Bearer ${server.adminToken ?? ''}`,
    )) as Principal;
    for (const yaml of [build, deploy, onPush])
      expect((await server.services.workflows.apply(admin, yaml)).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const runsOf = async (workflow: string) =>
    (await server.services.runs.list(admin, { workflow }, { first: 10 })).runs;

  it("a succeeded build starts deploy once, with the build's outputs", async () => {
    const run = await server.services.runs.trigger(admin, 'default/chain/build');
    await server.engines.whenDone(run.snapshot.runId);
    const deadline = Date.now() + 15_000;
    while ((await runsOf('default/chain/deploy')).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const [started] = await runsOf('default/chain/deploy');
    expect(started).toBeDefined();
    expect(started!.snapshot.trigger).toMatchObject({
      type: 'workflow',
      runId: run.snapshot.runId,
    });
    const ended = await server.engines.whenDone(started!.snapshot.runId);
    expect(
      ended?.status ??
        (await server.services.runs.get(admin, started!.snapshot.runId))?.snapshot.status,
    ).toBe('succeeded');
    const lines = await server.services.runs.logs(admin, {
      runId: started!.snapshot.runId,
      jobPath: 'ship.it.deploy',
    });
    expect(lines.map((l) => l.text)).toContain(
      'deploying 1.2.3 after default/chain/build succeeded',
    );
    expect(await runsOf('default/chain/deploy')).toHaveLength(1);
  });

  it('a delivery sent again after a restart starts nothing', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      after: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
      repository: { full_name: 'acme/widgets' },
      sender: { login: 'ada' },
      commits: [],
    });
    const delivery = randomUUID();
    const send = () =>
      fetch(`${server.url}/hooks/github`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': delivery,
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
      }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as { runs: { runId: string; duplicate?: boolean }[] },
      }));
    const first = await send();
    expect(first.status).toBe(202);
    const runId = first.json.runs[0]!.runId;
    await server.engines.whenDone(runId);
    await server.close();
    await start();
    const again = await send();
    expect(again.status).toBe(202);
    expect(again.json.runs).toEqual([
      { workflow: 'default/chain/on-push', runId, duplicate: true },
    ]);
    expect(await runsOf('default/chain/on-push')).toHaveLength(1);
  });
});
