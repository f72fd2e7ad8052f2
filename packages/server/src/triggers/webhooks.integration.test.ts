import { createHash, randomUUID } from 'node:crypto';
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
import { signWebhook } from './webhook-signature.js';

const FIXTURES = resolve(import.meta.dirname, '../../test/fixtures/plugins');
const SECRET = 'hook-secret-value';

function workflow(name: string, triggers: string): string {
  return `
uri: default/hooks/${name}
inputs: [GREETING]
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

  const signed = (
    body: string,
    timestamp = Math.floor(Date.now() / 1000),
    extra: Record<string, string> = {},
  ): Record<string, string> => ({
    'x-containerops-timestamp': String(timestamp),
    'x-containerops-signature': signWebhook(SECRET, String(timestamp), body),
    ...extra,
  });
  const runCount = async (uri: string): Promise<number> =>
    (await server.services.runs.list(admin, { workflow: uri }, { first: 500 })).totalCount;
  const deliveriesOf = (body: string): Promise<TriggerDeliveryRow[]> =>
    server.dataSource.manager.findBy(TriggerDeliveryEntity, { payloadHash: sha256(body) });

  it('generic: accepts an HMAC-SHA256 signature of "<timestamp>.<body>"', async () => {
    const body = JSON.stringify({ GREETING: 'signed' });
    const { status, json } = await post('/hooks/generic/default/hooks/deploy', body, signed(body));
    expect(status).toBe(202);
    expect((await server.engines.whenDone(json['runId'] as string))?.status).toBe('succeeded');
  }, 60_000);

  it('generic: the same signed delivery posted 4 times (at once) starts exactly 1 run, 3 recorded as duplicates', async () => {
    const uri = 'default/hooks/deploy';
    const before = await runCount(uri);
    const body = JSON.stringify({ GREETING: `replayed-${randomUUID()}` });
    const headers = signed(body);
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        fetch(`${server.url}/hooks/generic/${uri}`, { method: 'POST', body, headers }).then(
          async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }),
        ),
      ),
    );
    const started = answers.filter((a) => a.status === 202);
    const copies = answers.filter((a) => a.status === 200);
    expect(started).toHaveLength(1);
    expect(copies).toHaveLength(3);
    for (const copy of copies) expect(copy.json).toMatchObject({ duplicate: true });
    const runId = started[0]?.json['runId'] as string;
    await server.engines.whenDone(runId);
    expect(await runCount(uri)).toBe(before + 1);
    const rows = await deliveriesOf(body);
    expect(rows.map((r) => r.status).sort()).toEqual([
      'accepted',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    // The run is the accepted row's; a copy names it too when it was known by then.
    expect(rows.find((r) => r.status === 'accepted')?.runId).toBe(runId);
    for (const row of rows) expect([null, runId]).toContain(row.runId);
    // A later copy (one at a time) is still a duplicate and names the run the first one started.
    const again = await post(`/hooks/generic/${uri}`, body, headers);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ duplicate: true, runId });
    expect(await runCount(uri)).toBe(before + 1);
  }, 60_000);

  it('generic: a delivery re-sent under the same X-ContainerOps-Delivery id, signed anew, is a duplicate', async () => {
    const uri = 'default/hooks/deploy';
    const before = await runCount(uri);
    const body = JSON.stringify({ GREETING: 'by-id' });
    const id = { 'x-containerops-delivery': `d-${randomUUID()}` };
    const now = Math.floor(Date.now() / 1000);
    const first = await post(`/hooks/generic/${uri}`, body, signed(body, now, id));
    expect(first.status).toBe(202);
    expect(first.delivery).toMatchObject({
      status: 'accepted',
      deliveryId: id['x-containerops-delivery'],
    });
    const resent = await post(`/hooks/generic/${uri}`, body, signed(body, now - 1, id));
    expect(resent.status).toBe(200);
    expect(resent.json).toMatchObject({ duplicate: true, runId: first.json['runId'] });
    expect(resent.delivery.status).toBe('duplicate');
    await server.engines.whenDone(first.json['runId'] as string);
    expect(await runCount(uri)).toBe(before + 1);
  }, 60_000);

  it('generic: a body naming undeclared or reserved inputs is refused 400 RUN_INPUTS_INVALID, no run, and may be sent again corrected', async () => {
    const uri = 'default/hooks/deploy';
    const before = await runCount(uri);
    const id = { 'x-containerops-delivery': `d-${randomUUID()}` };
    const body = JSON.stringify({ GREETING: 'x', PATH: '/tmp', LD_PRELOAD: '/x.so', OTHER: 'y' });
    const refused = await post(`/hooks/generic/${uri}`, body, signed(body, undefined, id));
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'RUN_INPUTS_INVALID' });
    for (const name of ['PATH', 'LD_PRELOAD', 'OTHER'])
      expect(String(refused.json['message'])).toContain(`"${name}"`);
    expect(refused.delivery).toMatchObject({ status: 'rejected', runId: null });
    expect(await runCount(uri)).toBe(before);
    // The refusal released the delivery id: the corrected delivery runs.
    const fixed = JSON.stringify({ GREETING: 'x' });
    const accepted = await post(`/hooks/generic/${uri}`, fixed, signed(fixed, undefined, id));
    expect(accepted.status).toBe(202);
    await server.engines.whenDone(accepted.json['runId'] as string);
    expect(await runCount(uri)).toBe(before + 1);
  }, 60_000);

  it.each([
    ['a stale timestamp (6 min old)', -360, 'STALE_TIMESTAMP'],
    ['a timestamp 6 min ahead', 360, 'STALE_TIMESTAMP'],
  ])('generic: refuses %s with 401 and starts nothing', async (_what, offset, errorCode) => {
    const uri = 'default/hooks/deploy';
    const before = await runCount(uri);
    const body = JSON.stringify({ GREETING: `stale-${randomUUID()}` });
    const headers = signed(body, Math.floor(Date.now() / 1000) + offset);
    const { status, json, delivery } = await post(`/hooks/generic/${uri}`, body, headers);
    expect(status).toBe(401);
    expect(json).toMatchObject({ code: errorCode });
    expect(String(json['message'])).toContain('300 s');
    expect(delivery).toMatchObject({ status: 'rejected', runId: null });
    expect(await runCount(uri)).toBe(before);
  });

  it.each([
    ['unsigned', {}, 401, 'UNSIGNED'],
    ['a wrong token', { 'x-containerops-token': 'guess' }, 401, 'BAD_SIGNATURE'],
    [
      'a signature of another body',
      {
        'x-containerops-signature': `sha256=${'0'.repeat(64)}`,
        'x-containerops-timestamp': String(Math.floor(Date.now() / 1000)),
      },
      401,
      'BAD_SIGNATURE',
    ],
    [
      'a signature of the body alone (no timestamp)',
      { 'x-containerops-signature': signWebhook(SECRET, '', '{"GREETING":"x"}') },
      401,
      'TIMESTAMP_REQUIRED',
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
