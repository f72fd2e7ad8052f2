/**
 * Issue 13: webhook deliveries fire exactly once across replicas. Two server replicas share one
 * PostgreSQL database and Redis; each of 10 deliveries of the generic webhook (each with its own
 * `X-ContainerOps-Delivery` id) is posted to both replicas at the same moment. Exactly 10 runs
 * start: for every delivery one replica starts the run (202) and the other answers it as a
 * duplicate (200) naming the same run. Counted through the API.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, killServerChild, startServerChild } from '../src/server-child.js';
import type { ServerChild } from '../src/server-child.js';
import { requireSharedDatabases } from '../src/shared-databases.js';

const shared = await requireSharedDatabases();
const DELIVERIES = 10;
const HOOK_SECRET = 'replica-hook-secret';
const WORKFLOW = `
uri: default/e2e/replica-hooks
triggers:
  - type: generic
    secret: HOOK_SECRET
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: 'true'
`;

describe.skipIf(!shared.available)('webhook deliveries across two replicas', () => {
  const dirs: string[] = [];
  const servers: ServerChild[] = [];
  let databases: { state: string; logs: string; drop(): Promise<void> } | undefined;
  const secretKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    databases = await shared.create('postgres');
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await killServerChild(server);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await databases?.drop();
  });

  async function replica(): Promise<ServerChild> {
    const dir = await mkdtemp(join(tmpdir(), 'co-replica-hooks-'));
    dirs.push(dir);
    const server = await startServerChild(dir, {
      CONTAINEROPS_DATABASE_URL: databases!.state,
      CONTAINEROPS_REPLICAS: 'many',
      CONTAINEROPS_REDIS_URL: shared.redisUrl,
      CONTAINEROPS_SECRET_KEY: secretKey,
      CONTAINEROPS_ORCHESTRATOR: 'local',
    });
    servers.push(server);
    return server;
  }

  it(
    'each delivery posted to both replicas at once starts one run',
    { timeout: 120_000 },
    async () => {
      const a = await replica();
      const token = a.adminToken as string;
      const b = await replica();
      await gql(a, token, `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, {
        y: WORKFLOW,
      });
      await gql(
        a,
        token,
        `mutation { setSecret(organization: "default", name: "HOOK_SECRET", value: "${HOOK_SECRET}") { name } }`,
      );

      const post = async (server: ServerChild, delivery: string) => {
        const response = await fetch(`${server.url}/hooks/generic/default/e2e/replica-hooks`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-containerops-token': HOOK_SECRET,
            'x-containerops-delivery': delivery,
          },
          body: '{}',
        });
        return {
          status: response.status,
          body: (await response.json()) as Record<string, unknown>,
        };
      };
      const runIds = new Set<string>();
      for (let i = 0; i < DELIVERIES; i++) {
        const delivery = `delivery-${i}-${randomBytes(4).toString('hex')}`;
        const answers = await Promise.all([post(a, delivery), post(b, delivery)]);
        // 202: this copy started the run; 200: a duplicate of a copy the other replica took.
        expect(answers.map((answer) => answer.status).sort()).toEqual([200, 202]);
        const started = answers.filter((answer) => answer.body['duplicate'] !== true);
        expect(started, JSON.stringify(answers)).toHaveLength(1);
        const ids = new Set(answers.map((answer) => answer.body['runId']).filter(Boolean));
        expect(ids.size).toBe(1); // the duplicate names the first copy's run
        for (const id of ids) runIds.add(String(id));
      }
      expect(runIds.size).toBe(DELIVERIES);
      const { runs } = await gql<{ runs: { totalCount: number } }>(
        b,
        token,
        `query { runs(filter: { workflow: "default/e2e/replica-hooks" }, first: 1) { totalCount } }`,
      );
      expect(runs.totalCount).toBe(DELIVERIES);
    },
  );
});
