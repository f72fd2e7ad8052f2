/**
 * Issue 10, item 7 (server side), against the real server over HTTP: a costly workflow sent to
 * `validateWorkflow` (20,000 top-level keys; eight aliases of it in one request) is parsed off
 * the event loop, so `/healthz` answers every probe while it runs; an operation with more root
 * fields than allowed (200 `triggerRun` aliases) is refused before anything executes, with
 * TOO_MANY_ROOT_FIELDS, and starts no run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { disposeRealServer, startRealServer } from './support/real-server.js';

const MANY_KEYS = `uri: default/hostile/keys\n${Array.from({ length: 20_000 }, (_, i) => `key${i}: v`).join('\n')}\nstages: []\n`;
const SIMPLE = `uri: default/hostile/simple
stages:
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: ok
            command: 'true'
`;

describe('hostile requests (real server)', () => {
  let api: RealServer;

  beforeAll(async () => {
    api = await startRealServer('local', SIMPLE);
  }, 60_000);
  afterAll(() => disposeRealServer(api));

  it('/healthz answers every probe while a 20,000-key workflow and 8 aliases of it are validated', async () => {
    const aliases = Array.from(
      { length: 8 },
      (_, i) => `v${i}: validateWorkflow(yaml: $y) { ok }`,
    ).join(' ');
    const started = Date.now();
    let finished: number | undefined;
    const big = Promise.all([
      postGraphql(
        api.url,
        api.adminToken,
        'mutation ($y: String!) { validateWorkflow(yaml: $y) { ok } }',
        {
          y: MANY_KEYS,
        },
      ),
      postGraphql(api.url, api.adminToken, `mutation ($y: String!) { ${aliases} }`, {
        y: MANY_KEYS,
      }),
    ]).finally(() => {
      finished = Date.now();
    });

    const probes: { sentAt: number; answeredAt: number; status: number }[] = [];
    while (finished === undefined) {
      const sentAt = Date.now();
      const response = await fetch(api.url.replace(/\/graphql$/, '/healthz'));
      await response.arrayBuffer();
      probes.push({ sentAt, answeredAt: Date.now(), status: response.status });
    }
    const [single, eight] = await big;
    const end = finished;
    const duration = end - started;

    // Both requests were answered (whatever the parser made of the file), nothing crashed.
    expect(single.status).toBe(200);
    expect(eight.status).toBe(200);
    expect(single.body.data).toEqual({ validateWorkflow: { ok: false } });
    // Every probe sent was answered, with 200.
    expect(probes.every((p) => p.status === 200)).toBe(true);
    // All but the probe(s) in flight when the parsing ended were answered before it ended.
    const answeredBefore = probes.filter((p) => p.answeredAt <= end).length;
    expect(answeredBefore).toBeGreaterThanOrEqual(probes.length - 2);
    // When the parsing took a while, probes were answered throughout it (a parse on the event
    // loop holds every probe until it ends, so at most one or two would be answered before).
    if (duration >= 500) expect(answeredBefore).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('refuses 200 triggerRun aliases (and 11) with TOO_MANY_ROOT_FIELDS and creates no run', async () => {
    const count = async (): Promise<number> => {
      const { body } = await postGraphql(
        api.url,
        api.adminToken,
        '{ runs(filter: { workflow: "default/hostile/simple" }) { totalCount } }',
      );
      return (body.data as { runs: { totalCount: number } }).runs.totalCount;
    };
    expect(await count()).toBe(0);
    for (const n of [200, 11]) {
      const fields = Array.from(
        { length: n },
        (_, i) => `r${i}: triggerRun(workflow: "default/hostile/simple") { id }`,
      ).join(' ');
      const result = await postGraphql(api.url, api.adminToken, `mutation { ${fields} }`);
      expect(firstCode(result)).toBe('TOO_MANY_ROOT_FIELDS');
      expect(result.body.errors?.[0]?.extensions).toMatchObject({ max: 10, count: n });
      expect(result.body.data).toBeUndefined();
    }
    // Fragments do not hide fields.
    const spread = Array.from(
      { length: 11 },
      (_, i) => `r${i}: triggerRun(workflow: "default/hostile/simple") { id }`,
    ).join(' ');
    const viaFragment = await postGraphql(
      api.url,
      api.adminToken,
      `mutation { ...many } fragment many on Mutation { ${spread} }`,
    );
    expect(firstCode(viaFragment)).toBe('TOO_MANY_ROOT_FIELDS');
    expect(await count()).toBe(0);
    // Ten is allowed.
    const ten = Array.from(
      { length: 10 },
      (_, i) => `r${i}: triggerRun(workflow: "default/hostile/simple") { id }`,
    ).join(' ');
    const allowed = await postGraphql(api.url, api.adminToken, `mutation { ${ten} }`);
    expect(allowed.body.errors).toBeUndefined();
    expect(await count()).toBe(10);
  }, 60_000);
});
