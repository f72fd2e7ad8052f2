import { createHash, randomUUID, createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerDeliveryRow } from '../db/entities.js';
import { TriggerDeliveryEntity } from '../db/entities.js';
import { silentServerLogger } from '../logger.js';
import type { Principal } from '../services/contracts.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/plugins');
const SECRET = 'hook-secret-value';

function workflow(name: string, triggers: string): string {
  return `
uri: default/hooks/${name}
${triggers}
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: greet
            command: "echo got $GREETING"
  - type: end
    name: end
`;
}

describe('webhooks: deliveries, the generic trigger and configured trigger plugins', () => {
  let dir: string;
  let server: StartedServer;
  let admin: Principal;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'co-hooks-'));
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        orchestrator: 'local',
        plugins: [join(FIXTURES, 'echo-trigger.ts')],
        announce: () => undefined,
      },
      { logger: silentServerLogger },
    );
    admin = (await server.services.identity.authenticate(
      `Bearer ${server.adminToken ?? ''}`,
    )) as Principal;
    await server.services.secrets.set(admin, 'default', 'HOOK_SECRET', SECRET);
    for (const yaml of [
      workflow('deploy', 'triggers:\n  - type: generic\n    secret: HOOK_SECRET'),
      workflow('closed', ''),
      workflow('unset', 'triggers:\n  - type: generic\n    secret: NOT_SET'),
    ])
      expect((await server.services.workflows.apply(admin, yaml)).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function post(
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown>; delivery: TriggerDeliveryRow }> {
    const before = Date.now();
    const response = await fetch(`${server.url}${path}`, { method: 'POST', body, headers });
    const text = await response.text();
    const rows = await server.dataSource.manager.find(TriggerDeliveryEntity, {
      order: { receivedAt: 'DESC' },
    });
    const delivery = rows.find((r) => r.receivedAt >= before - 1000) as TriggerDeliveryRow;
    return {
      status: response.status,
      json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
      delivery,
    };
  }

  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

  it('answers 404 to an unknown plugin without recording a delivery (anonymous input)', async () => {
    const body = `{"x":"${randomUUID()}"}`;
    const { status, json } = await post('/hooks/nobody/here', body);
    expect(status).toBe(404);
    expect(json).toMatchObject({ code: 'NOT_FOUND' });
    const rows = await server.dataSource.manager.findBy(TriggerDeliveryEntity, {
      payloadHash: sha256(body),
    });
    expect(rows).toEqual([]);
  });

  it('generic: starts the workflow with the token header, the string fields as inputs', async () => {
    const body = JSON.stringify({ GREETING: 'hello', ignored: 5 });
    const { status, json, delivery } = await post('/hooks/generic/default/hooks/deploy', body, {
      'content-type': 'application/json',
      'x-containerops-token': SECRET,
    });
    expect(status).toBe(202);
    const runId = json['runId'] as string;
    expect(delivery).toMatchObject({ triggerType: 'generic', status: 'accepted', runId });
    const done = await server.engines.whenDone(runId);
    expect(done?.status).toBe('succeeded');
    expect(done?.trigger).toMatchObject({ type: 'generic' });
    const lines = await server.services.runs.logs(admin, {
      runId,
      jobPath: 'build.compile.greet',
    });
    expect(lines.map((l) => l.text)).toContain('got hello');
  }, 60_000);

  it('generic: accepts an HMAC-SHA256 signature of the body', async () => {
    const body = JSON.stringify({ GREETING: 'signed' });
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const { status, json } = await post('/hooks/generic/default/hooks/deploy', body, {
      'x-containerops-signature': signature,
    });
    expect(status).toBe(202);
    expect((await server.engines.whenDone(json['runId'] as string))?.status).toBe('succeeded');
  }, 60_000);

  it.each([
    ['unsigned', {}, 401, 'UNSIGNED'],
    ['a wrong token', { 'x-containerops-token': 'guess' }, 401, 'BAD_SIGNATURE'],
    [
      'a signature of another body',
      { 'x-containerops-signature': `sha256=${'0'.repeat(64)}` },
      401,
      'BAD_SIGNATURE',
    ],
  ])('generic: refuses %s requests and starts nothing', async (_what, headers, code, errorCode) => {
    const runsBefore = (await server.services.runs.list(admin, {}, { first: 500 })).totalCount;
    const { status, json, delivery } = await post(
      '/hooks/generic/default/hooks/deploy',
      '{"GREETING":"x"}',
      headers,
    );
    expect(status).toBe(code);
    expect(json).toMatchObject({ code: errorCode });
    expect(delivery).toMatchObject({ status: 'rejected', runId: null });
    expect(delivery.error).toContain(errorCode);
    expect((await server.services.runs.list(admin, {}, { first: 500 })).totalCount).toBe(
      runsBefore,
    );
  });

  it('generic: answers 404 for workflows without a generic trigger, 400 for a non-object body, 405 for GET', async () => {
    const token = { 'x-containerops-token': SECRET };
    expect((await post('/hooks/generic/default/hooks/closed', '{}', token)).status).toBe(404);
    expect((await post('/hooks/generic/default/hooks/missing', '{}', token)).status).toBe(404);
    const bad = await post('/hooks/generic/default/hooks/deploy', '[1,2]', token);
    expect(bad.status).toBe(400);
    expect(bad.delivery.status).toBe('rejected');
    const unset = await post('/hooks/generic/default/hooks/unset', '{}', token);
    expect(unset.status).toBe(503);
    expect(unset.delivery.status).toBe('failed');
    // Anonymous callers learn nothing about the organisation's secrets.
    expect(JSON.stringify(unset.json)).not.toContain('NOT_SET');
    const get = await fetch(`${server.url}/hooks/generic/default/hooks/deploy`);
    expect(get.status).toBe(405);
  });

  it('a configured trigger plugin serves /hooks/<name>/, sees workflows applied after start, fires runs', async () => {
    const yaml = workflow('fixture', 'triggers:\n  - type: fixture-hook');
    expect((await server.services.workflows.apply(admin, yaml)).ok).toBe(true);
    await expect
      .poll(async () => (await post('/hooks/fixture-hook/?GREETING=plugged', '')).json['started'], {
        timeout: 10_000,
      })
      .toHaveLength(1);
    const { delivery } = await post('/hooks/fixture-hook/?GREETING=again', 'payload');
    expect(delivery).toMatchObject({ triggerType: 'fixture-hook', status: 'accepted' });
    expect(delivery.runId).toEqual(expect.any(String));
    const done = await server.engines.whenDone(delivery.runId as string);
    expect(done?.workflow).toBe('default/hooks/fixture');
    expect(done?.trigger).toMatchObject({ type: 'fixture-hook' });

    const failed = await post('/hooks/fixture-hook/fail', '');
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(failed.json).not.toHaveProperty('stack');
    expect(failed.delivery.status).toBe('failed');
    expect(failed.delivery.error).toContain('fixture trigger bug');
  }, 60_000);
});
