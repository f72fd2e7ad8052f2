/**
 * Webhook deliveries kept and redelivered, on a real server (SQLite, local orchestrator, the
 * GraphQL API mounted): the request is stored sealed (the raw row does not hold the body), credential
 * headers are never stored, a site admin reads it back and redelivers it, others get FORBIDDEN;
 * a redelivery of a refused delivery starts a run, one of a started delivery is a duplicate that
 * starts nothing. The database matrix of the delivery log itself is delivery-log.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerDeliveryEntity } from '../db/entities.js';
import type { TriggerDeliveryRow } from '../db/entities.js';
import { graphqlApiFactory } from '../graphql/graphql-factory.js';
import type { Principal } from '../services/contracts.js';
import { silentServerLogger } from '../logger.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';
import { WITHHELD } from './delivery-request.js';
import { signWebhook } from './webhook-signature.js';

const SECRET = 'late-hook-secret';
const WORKFLOW = 'default/hooks/late';
const YAML = `
uri: ${WORKFLOW}
inputs: [GREETING]
triggers:
  - type: generic
    secret: LATE_SECRET
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

describe('webhook deliveries: stored sealed, read by admins, redelivered', () => {
  let dir: string;
  let local: { server: StartedServer };
  let admin: Principal;
  let viewer: Principal;
  let viewerToken: string;
  let outsider: Principal;
  /** The refused delivery every later test starts from. */
  let refused: TriggerDeliveryRow;
  const marker = `body-marker-${randomUUID()}`;
  const body = JSON.stringify({ GREETING: marker });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'co-deliveries-'));
    const server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        orchestrator: 'local',
        announce: () => undefined,
      },
      {
        logger: silentServerLogger,
        graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
      },
    );
    local = { server };
    admin = (await server.services.identity.authenticate(
      `Bearer ${server.adminToken ?? ''}`,
    )) as Principal;
    const { identity, workflows } = local.server.services;
    expect((await workflows.apply(admin, YAML)).ok).toBe(true);
    await identity.setMember(admin, 'default', 'vera', 'viewer');
    const created = await identity.createToken(admin, 'v', { forUser: 'vera' });
    viewerToken = created.secret;
    viewer = (await identity.authenticate(`Bearer ${viewerToken}`)) as Principal;
    await identity.createOrganization(admin, 'other');
    await identity.setMember(admin, 'other', 'otto', 'admin');
    const otto = await identity.createToken(admin, 'o', { forUser: 'otto' });
    outsider = (await identity.authenticate(`Bearer ${otto.secret}`)) as Principal;
  }, 60_000);
  afterAll(async () => {
    await local?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Signs and posts `payload` (each call's own body: a copy within a second would be a replay). */
  async function send(payload = body): Promise<{ status: number; delivery: TriggerDeliveryRow }> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await fetch(`${local.server.url}/hooks/generic/${WORKFLOW}`, {
      method: 'POST',
      body: payload,
      headers: {
        'content-type': 'application/json',
        'x-containerops-timestamp': timestamp,
        'x-containerops-signature': signWebhook(SECRET, timestamp, payload),
        'x-containerops-delivery': `d-${randomUUID()}`,
        // Credentials that must never reach the database.
        authorization: 'Bearer leaked-authorization',
        cookie: 'session=leaked-cookie',
        'x-custom-token': 'leaked-token',
      },
    });
    await response.text();
    const [delivery] = await local.server.dataSource.manager.find(TriggerDeliveryEntity, {
      order: { receivedAt: 'DESC' },
      take: 1,
    });
    return { status: response.status, delivery: delivery as TriggerDeliveryRow };
  }

  async function graphql(
    token: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] }> {
    const response = await fetch(`${local.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions?: { code?: string } }[];
    };
  }

  async function runsOfWorkflow(): Promise<number> {
    const page = await local.server.services.runs.list(
      admin,
      { workflow: WORKFLOW },
      { first: 50 },
    );
    return page.totalCount;
  }

  it('records a refused delivery for its workflow, its request sealed (the raw row holds no body)', async () => {
    const { status, delivery } = await send();
    expect(status).toBe(503); // the secret is not set yet
    expect(delivery).toMatchObject({ status: 'failed', workflow: WORKFLOW, runId: null });
    refused = delivery;
    const [raw] = (await local.server.dataSource.query(
      'SELECT * FROM trigger_deliveries WHERE id = ?',
      [delivery.id],
    )) as Record<string, unknown>[];
    const text = JSON.stringify(raw);
    expect(typeof raw?.['request_ciphertext']).toBe('string');
    expect(text).not.toContain(marker);
    expect(text).not.toContain(Buffer.from(body).toString('base64').slice(0, 24));
    for (const leaked of ['leaked-authorization', 'leaked-cookie', 'leaked-token'])
      expect(text).not.toContain(leaked);
  });

  it('gives the decrypted request to a site admin, never a credential header', async () => {
    const request = await local.server.services.deliveries.request(admin, refused.id);
    expect(request?.body).toBe(body);
    expect(request?.path).toBe(`/${WORKFLOW}`);
    expect(request?.headers['x-containerops-signature']).toBe(WITHHELD);
    expect(request?.headers['x-containerops-timestamp']).toMatch(/^\d+$/);
    expect(request?.headers['content-type']).toBe('application/json');
    const names = Object.keys(request?.headers ?? {});
    for (const name of ['authorization', 'cookie', 'x-custom-token'])
      expect(names).not.toContain(name);
    const all = JSON.stringify(request);
    for (const leaked of ['leaked-authorization', 'leaked-cookie', 'leaked-token'])
      expect(all).not.toContain(leaked);
  });

  it('shows metadata to viewers of the workflow, the payload and redeliver only to site admins', async () => {
    const seen = await local.server.services.deliveries.list(viewer, { first: 10 });
    expect(seen.deliveries.map((d) => d.id)).toContain(refused.id);
    const other = await local.server.services.deliveries.list(outsider, { first: 10 });
    expect(other.deliveries).toEqual([]);
    expect(await local.server.services.deliveries.get(outsider, refused.id)).toBeUndefined();
    await expect(
      local.server.services.deliveries.request(viewer, refused.id),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      local.server.services.deliveries.redeliver(viewer, refused.id),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      local.server.services.deliveries.redeliver(outsider, refused.id),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers FORBIDDEN in extensions.code over GraphQL', async () => {
    const list = await graphql(
      viewerToken,
      `
        query ($w: String) {
          triggerDeliveryPage(workflow: $w) {
            nodes {
              id
              status
              workflow
            }
          }
        }
      `,
      { w: WORKFLOW },
    );
    expect(list.errors).toBeUndefined();
    const payload = await graphql(
      viewerToken,
      `
        query ($id: ID!) {
          triggerDelivery(id: $id) {
            id
            request {
              body
            }
          }
        }
      `,
      { id: refused.id },
    );
    expect(payload.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const redeliver = await graphql(
      viewerToken,
      `
        mutation ($id: ID!) {
          redeliverTriggerDelivery(id: $id) {
            id
          }
        }
      `,
      { id: refused.id },
    );
    expect(redeliver.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('redelivers a refused delivery once fixed: the plugin checks it again and it starts a run', async () => {
    await local.server.services.secrets.set(admin, 'default', 'LATE_SECRET', SECRET);
    const before = await runsOfWorkflow();
    const { delivery } = await local.server.services.deliveries.redeliver(admin, refused.id);
    expect(delivery).toMatchObject({
      status: 'accepted',
      redeliveryOf: refused.id,
      redeliveredBy: 'admin',
      workflow: WORKFLOW,
    });
    expect(delivery.runId).toEqual(expect.any(String));
    const done = await local.server.engines.whenDone(delivery.runId as string);
    expect(done?.status).toBe('succeeded');
    const lines = await local.server.services.runs.logs(admin, {
      runId: delivery.runId as string,
      jobPath: 'build.compile.greet',
    });
    expect(lines.map((l) => l.text)).toContain(`got ${marker}`);
    expect(await runsOfWorkflow()).toBe(before + 1);
  }, 60_000);

  it('redelivers a delivery whose run started as a duplicate naming that run, starting nothing', async () => {
    const { status, delivery: sent } = await send(JSON.stringify({ GREETING: randomUUID() }));
    expect(status).toBe(202);
    expect(sent.status).toBe('accepted');
    await local.server.engines.whenDone(sent.runId as string);
    const before = await runsOfWorkflow();
    const { delivery } = await local.server.services.deliveries.redeliver(admin, sent.id);
    expect(delivery).toMatchObject({
      status: 'duplicate',
      runId: sent.runId,
      redeliveryOf: sent.id,
    });
    expect(await runsOfWorkflow()).toBe(before);
  }, 60_000);

  it('pages newest first with a cursor, per workflow', async () => {
    const first = await local.server.services.deliveries.list(admin, {
      first: 2,
      workflow: WORKFLOW,
    });
    expect(first.deliveries).toHaveLength(2);
    expect(first.hasNextPage).toBe(true);
    const rest = await local.server.services.deliveries.list(admin, {
      first: 10,
      workflow: WORKFLOW,
      after: first.endCursor as string,
    });
    const ids = [...first.deliveries, ...rest.deliveries].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(4);
    expect(ids.at(-1)).toBe(refused.id);
    await expect(
      local.server.services.deliveries.list(admin, { first: 2, after: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
