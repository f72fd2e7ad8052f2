/**
 * Issue 17 (API): `jobLoad` over HTTP on a real server (local orchestrator): the run store writes
 * `job_attempts` as the engine runs a fan-out, and the aggregate charts its instances on the
 * orchestrator the server runs (not the fan-out job itself); it needs a signed-in caller and a
 * window of 1 to 168 hours. The per-dialect figures are in src/services/job-load.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { disposeRealServer, startRealServer } from './support/real-server.js';

const FAN = `uri: default/load/fan
stages:
  - type: normal
    name: test
    actions:
      - name: shards
        jobs:
          - name: shard
            command: sleep 1
            matrix:
              axes: { n: [1, 2, 3] }
              max-parallel: 3
`;
const LOAD = `query ($h: Int) { jobLoad(hours: $h) {
  start started maxRunning orchestrators { orchestrator started maxRunning } } }`;

interface Bucket {
  start: string;
  started: number;
  maxRunning: number;
  orchestrators: { orchestrator: string; started: number; maxRunning: number }[];
}

describe('jobLoad (real server)', () => {
  let api: RealServer;
  beforeAll(async () => {
    api = await startRealServer('local', FAN);
  }, 60_000);
  afterAll(async () => {
    await disposeRealServer(api);
  });

  it('needs a signed-in caller and a window of 1 to 168 hours', async () => {
    expect(firstCode(await postGraphql(api.url, undefined, LOAD, { h: 24 }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(firstCode(await postGraphql(api.url, api.adminToken, LOAD, { h: 0 }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it("charts a fan-out's instances on the server's orchestrator", async () => {
    const triggered = await postGraphql(
      api.url,
      api.adminToken,
      'mutation { triggerRun(workflow: "default/load/fan") { id } }',
    );
    const id = (triggered.body.data as { triggerRun: { id: string } }).triggerRun.id;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await postGraphql(
        api.url,
        api.adminToken,
        'query ($id: ID!) { run(id: $id) { status } }',
        { id },
      );
      const status = (body.data as { run: { status: string } }).run.status;
      if (status === 'SUCCEEDED') break;
      if (!['QUEUED', 'RUNNING'].includes(status) || Date.now() > deadline)
        throw new Error(`run ended ${status}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    const { body } = await postGraphql(api.url, api.adminToken, LOAD, { h: 24 });
    expect(body.errors).toBeUndefined();
    const buckets = (body.data as { jobLoad: Bucket[] }).jobLoad;
    expect(buckets).toHaveLength(24);
    // The run may have crossed into this hour from the last one: add both.
    const recent = buckets.slice(-2);
    const local = recent.flatMap((b) => b.orchestrators);
    expect(new Set(local.map((o) => o.orchestrator))).toEqual(new Set(['local']));
    // Three instances, each one attempt; the fan-out job itself is not a job on the orchestrator.
    expect(recent.reduce((n, b) => n + b.started, 0)).toBe(3);
    // max-parallel 3 and one-second jobs: all three ran at once.
    expect(Math.max(...recent.map((b) => b.maxRunning))).toBe(3);
  }, 90_000);
});
