/**
 * Issue 17 (API): `runLoad` over HTTP on a real server (local orchestrator): it needs a signed-in
 * caller like the other insights, refuses windows over 7 days, and charts a run that ran. The
 * per-dialect figures are in src/services/run-load.integration.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { disposeRealServer, startRealServer } from './support/real-server.js';

const QUICK = `uri: default/load/quick
stages:
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: say
            command: echo hi
`;
const LOAD = 'query ($h: Int) { runLoad(hours: $h) { start maxQueued maxRunning } }';

interface Bucket {
  start: string;
  maxQueued: number;
  maxRunning: number;
}

describe('runLoad (real server)', () => {
  let api: RealServer;
  beforeAll(async () => {
    api = await startRealServer('local', QUICK);
  }, 60_000);
  afterAll(async () => {
    await disposeRealServer(api);
  });

  it('needs a signed-in caller and a window of 1 to 168 hours', async () => {
    expect(firstCode(await postGraphql(api.url, undefined, LOAD, { h: 24 }))).toBe(
      'UNAUTHENTICATED',
    );
    expect(firstCode(await postGraphql(api.url, api.adminToken, LOAD, { h: 169 }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('charts a run that ran in the current hour', async () => {
    const triggered = await postGraphql(
      api.url,
      api.adminToken,
      'mutation { triggerRun(workflow: "default/load/quick") { id } }',
    );
    const id = (triggered.body.data as { triggerRun: { id: string } }).triggerRun.id;
    const deadline = Date.now() + 30_000;
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
      await new Promise((done) => setTimeout(done, 50));
    }
    const hourOf = (ms: number): number => Math.floor(ms / 3_600_000) * 3_600_000;
    const asked = hourOf(Date.now());
    const { body } = await postGraphql(api.url, api.adminToken, LOAD, { h: 24 });
    expect(body.errors).toBeUndefined();
    const buckets = (body.data as { runLoad: Bucket[] }).runLoad;
    expect(buckets).toHaveLength(24);
    const hour = hourOf(Date.now());
    // The run may have crossed into this hour from the last one: look at both.
    const recent = buckets.filter((b) => Date.parse(b.start) >= hour - 3_600_000);
    expect(Math.max(...recent.map((b) => b.maxRunning))).toBe(1);
    expect(Math.max(...recent.map((b) => b.maxQueued))).toBeLessThanOrEqual(1);
    // The current hour last (the clock may have turned the hour while the query ran).
    expect([asked, hour].map((h) => new Date(h).toISOString())).toContain(buckets.at(-1)?.start);
  }, 60_000);
});
