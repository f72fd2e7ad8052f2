/**
 * Issue 14's fast accept loses nothing: a webhook delivery is answered 202 once it is recorded and
 * its run is stored and queued (not once the run has begun). Ten deliveries to the generic
 * webhook of a workflow that runs one at a time (a concurrency group of 1, each job a one-second
 * sleep on Docker) are answered; the server (SQLite) is SIGKILLed the moment the last answer
 * arrives, while most of those runs are still queued. A new server process on the same data
 * directory runs every acknowledged run to success, and the deliveries are all recorded as
 * accepted with their run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '@containerops/orchestrator-docker';
import { gql, killServerChild, startServerChild, waitFor } from '../src/server-child.js';
import type { ServerChild } from '../src/server-child.js';

const BUSYBOX = 'containerops/busybox:latest';
const DELIVERIES = 10;
const gate = await requireDocker({ images: [BUSYBOX] });
const URI = 'default/e2e/accept';

const WORKFLOW = `
uri: ${URI}
inputs: [N]
concurrency: { group: accept-e2e, limit: 1 }
triggers:
  - type: generic
    secret: ACCEPT_HOOK
stages:
  - type: start
    name: start
  - type: normal
    name: work
    actions:
      - name: main
        jobs:
          - name: nap
            endpoint: ${BUSYBOX}
            command: 'echo "delivery $N"; sleep 1'
  - type: end
    name: end
`;
const SERVER_ENV = {
  CONTAINEROPS_ORCHESTRATOR: 'docker',
  CONTAINEROPS_ORCHESTRATOR_CONFIG: JSON.stringify({
    network: 'none',
    pullPolicy: 'never',
    stopGraceMs: 1000,
  }),
};
const RUN = `query($id: ID!) { run(id: $id) { id status } }`;
const DELIVERIES_QUERY = `query { triggerDeliveryPage(first: 50, workflow: "${URI}") {
  nodes { status runId } } }`;

describe.skipIf(!gate.available)('webhook fast accept survives a SIGKILL after 202', () => {
  let dataDir: string | undefined;
  const servers: ServerChild[] = [];
  afterAll(async () => {
    for (const server of servers) await killServerChild(server);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs every acknowledged delivery after a restart', { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'co-webhook-accept-'));
    const first = await startServerChild(dataDir, SERVER_ENV);
    servers.push(first);
    const token = first.adminToken as string;
    const hookSecret = randomUUID();
    await gql(first, token, `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, {
      y: WORKFLOW,
    });
    await gql(
      first,
      token,
      `mutation($v: String!) { setSecret(organization: "default", name: "ACCEPT_HOOK", value: $v) { name } }`,
      { v: hookSecret },
    );
    const answers = await Promise.all(
      Array.from({ length: DELIVERIES }, async (_, i) => {
        const response = await fetch(`${first.url}/hooks/generic/${URI}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-containerops-token': hookSecret },
          body: JSON.stringify({ N: String(i) }),
        });
        return { status: response.status, body: (await response.json()) as { runId?: string } };
      }),
    );
    // At once: runs after the first few are still queued behind the concurrency group.
    await killServerChild(first);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: DELIVERIES }, () => 202));
    const runIds = answers.map((a) => a.body.runId as string);
    expect(new Set(runIds).size).toBe(DELIVERIES);

    const second = await startServerChild(dataDir, SERVER_ENV);
    servers.push(second);
    for (const id of runIds) {
      const status = await waitFor(
        `run ${id} to finish`,
        async () => {
          const { run } = await gql<{ run: { status: string } | null }>(second, token, RUN, { id });
          if (run === null) throw new Error(`run ${id} was lost`);
          return ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(run.status)
            ? run.status
            : undefined;
        },
        240_000,
      );
      expect(status, `run ${id}`).toBe('SUCCEEDED');
    }
    const { triggerDeliveryPage } = await gql<{
      triggerDeliveryPage: { nodes: { status: string; runId: string | null }[] };
    }>(second, token, DELIVERIES_QUERY);
    expect(triggerDeliveryPage.nodes.map((d) => d.status)).toEqual(
      Array.from({ length: DELIVERIES }, () => 'accepted'),
    );
    expect(new Set(triggerDeliveryPage.nodes.map((d) => d.runId))).toEqual(new Set(runIds));
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});
