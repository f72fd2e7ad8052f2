/**
 * Acceptance (issue 5), security, against the real server: no token / wrong organisation / viewer
 * are refused with the right code on queries, mutations and subscriptions; limits hold; a secret
 * set through the API and used by a job never appears in logs, outputs, API responses or the
 * database files in clear text.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { requireDocker } from '@containerops/orchestrator-docker';
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_UNAUTHENTICATED } from '../../src/graphql/index.js';
import { collect, firstCode, postGraphql, wsClient } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const docker = await requireDocker({ images: ['containerops/busybox:latest'] });
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const SECRET = `s3cr3t-${unique}-${Math.random().toString(36).slice(2)}`;
const WORKFLOW = `default/api-sec/wf-${unique}`;

const yaml = `uri: ${WORKFLOW}
stages:
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: leak
            endpoint: containerops/busybox:latest
            environments:
              - API_KEY: \${{ secrets.API_KEY }}
            command: 'echo "key=$API_KEY"; echo "$API_KEY" >&2; echo "[COUT] LEAKED = $API_KEY"'
            outputs: [LEAKED]
`;

describe.skipIf(!docker.available)('API security (real server)', () => {
  let api: RealServer;
  let outsider: string;
  let viewer: string;
  let runId: string;
  const responses: string[] = [];
  const clients: Client[] = [];

  async function call(
    token: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ) {
    const result = await postGraphql(api.url, token, query, variables);
    responses.push(JSON.stringify(result.body));
    return result;
  }

  async function subscribeOnce(
    token: string | undefined,
    query: string,
    variables: Record<string, unknown> = {},
  ) {
    let closed: number | undefined;
    const client = wsClient(api.wsUrl, token, (code) => (closed = code));
    clients.push(client);
    const first = collect(client, query, variables, 1);
    const outcome = await first.done.then(
      (items: FormattedExecutionResult[]) => ({ items, error: undefined as unknown }),
      (error: unknown) => ({ items: [] as FormattedExecutionResult[], error }),
    );
    return { ...outcome, closed: () => closed };
  }

  beforeAll(async () => {
    api = await startRealServer('docker');
    const admin = api.adminToken;
    expect(
      (await call(admin, 'mutation { createOrganization(name: "other") { name } }')).body.errors,
    ).toBeUndefined();
    await call(
      admin,
      'mutation { setMember(organization: "other", user: "olga", role: ADMIN) { role } }',
    );
    await call(
      admin,
      'mutation { setMember(organization: "default", user: "vera", role: VIEWER) { role } }',
    );
    const tokenFor = async (user: string) => {
      const r = await call(
        admin,
        'mutation($u: String!) { createToken(name: "t", forUser: $u) { secret } }',
        { u: user },
      );
      expect(r.body.errors).toBeUndefined();
      return (r.body.data as { createToken: { secret: string } }).createToken.secret;
    };
    outsider = await tokenFor('olga');
    viewer = await tokenFor('vera');

    const set = await call(
      admin,
      'mutation($v: String!) { setSecret(organization: "default", name: "API_KEY", value: $v) { name } }',
      { v: SECRET },
    );
    expect(set.body.errors).toBeUndefined();
    const applied = await call(
      admin,
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { message } } }',
      { y: yaml },
    );
    expect(applied.body.data).toMatchObject({ applyWorkflow: { ok: true } });
    const run = await call(admin, 'mutation($w: String!) { triggerRun(workflow: $w) { id } }', {
      w: WORKFLOW,
    });
    runId = (run.body.data as { triggerRun: { id: string } }).triggerRun.id;
    let status = '';
    for (
      let i = 0;
      i < 600 && !['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(status);
      i += 1
    ) {
      const r = await call(admin, 'query($id: ID!) { run(id: $id) { status } }', { id: runId });
      status = (r.body.data as { run: { status: string } }).run.status;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('SUCCEEDED');
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await api?.close();
    await api?.removeData();
  });

  it('no token: queries, mutations (401 UNAUTHENTICATED) and subscriptions (close 4401) are refused', async () => {
    for (const token of [undefined, 'co_forged_token']) {
      const q = await call(token, '{ workflows { uri } }');
      expect([q.status, firstCode(q)]).toEqual([401, 'UNAUTHENTICATED']);
      const m = await call(token, 'mutation($w: String!) { triggerRun(workflow: $w) { id } }', {
        w: WORKFLOW,
      });
      expect([m.status, firstCode(m)]).toEqual([401, 'UNAUTHENTICATED']);
      const s = await subscribeOnce(token, 'subscription { events { seq } }');
      expect(s.items).toEqual([]);
      expect(s.closed()).toBe(CLOSE_UNAUTHENTICATED);
    }
  });

  it('wrong organisation: sees nothing and changes nothing', async () => {
    const run = await call(outsider, 'query($id: ID!) { run(id: $id) { id } }', { id: runId });
    expect(run.body.data).toEqual({ run: null });
    const listed = await call(outsider, '{ runs { totalCount nodes { id } } workflows { uri } }');
    expect(listed.body.data).toEqual({ runs: { totalCount: 0, nodes: [] }, workflows: [] });
    const secrets = await call(outsider, '{ secrets(organization: "default") { name } }');
    expect(firstCode(secrets)).toBe('FORBIDDEN');
    for (const mutation of [
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      'mutation { setSecret(organization: "default", name: "X", value: "y") { name } }',
      'mutation { setMember(organization: "default", user: "olga", role: ADMIN) { role } }',
    ]) {
      const r = await call(outsider, mutation, { w: WORKFLOW });
      expect(['FORBIDDEN', 'NOT_FOUND'], mutation).toContain(firstCode(r));
    }
    const byRun = await subscribeOnce(
      outsider,
      'subscription($id: ID) { runUpdates(runId: $id, afterSeq: 0) { event { seq } } }',
      { id: runId },
    );
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(firstCode(byRun.items[0]!));
    const byOrg = await subscribeOnce(
      outsider,
      'subscription { events(organization: "default") { seq } }',
    );
    expect(firstCode(byOrg.items[0]!)).toBe('FORBIDDEN');
    const logs = await subscribeOnce(
      outsider,
      'subscription($id: ID!) { jobLog(runId: $id, jobPath: "build.main.leak") { lines { text } } }',
      { id: runId },
    );
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(firstCode(logs.items[0]!));
  });

  it('viewer: reads and subscribes, but every mutation of the organisation is FORBIDDEN', async () => {
    const run = await call(viewer, 'query($id: ID!) { run(id: $id) { id status } }', { id: runId });
    expect(run.body.data).toEqual({ run: { id: runId, status: 'SUCCEEDED' } });
    const replay = await subscribeOnce(
      viewer,
      'subscription($id: ID) { runUpdates(runId: $id, afterSeq: 0) { event { seq } } }',
      { id: runId },
    );
    expect(replay.items[0]?.errors).toBeUndefined();
    for (const mutation of [
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      'mutation($id: ID!) { cancelRun(id: $id) { id } }',
      'mutation($id: ID!) { rerun(runId: $id) { id } }',
      'mutation { setSecret(organization: "default", name: "X", value: "y") { name } }',
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }',
      'mutation { setMember(organization: "default", user: "vera", role: ADMIN) { role } }',
    ]) {
      const r = await call(viewer, mutation, { w: WORKFLOW, id: runId, y: yaml });
      expect(firstCode(r), mutation).toBe('FORBIDDEN');
    }
  });

  it('over-deep and over-complex operations are refused on HTTP and WebSocket', async () => {
    let nested = 'id';
    for (let i = 0; i < 7; i += 1) nested = `lastRun { workflow { ${nested} } }`;
    expect(firstCode(await call(api.adminToken, `{ workflows { ${nested} } }`))).toBe(
      'QUERY_TOO_DEEP',
    );
    const complex = '{ runs(first: 500) { nodes { stages { actions { jobs { name } } } } } }';
    expect(firstCode(await call(api.adminToken, complex))).toBe('QUERY_TOO_COMPLEX');
    let deepSub = 'seq';
    for (let i = 0; i < 6; i += 1) deepSub = `lastRun { workflow { ${deepSub} } }`;
    const sub = await subscribeOnce(
      api.adminToken,
      `subscription { runUpdates { run { workflow { ${deepSub} } } } }`,
    );
    expect(sub.error).toBeDefined();
    expect((sub.error as Error).message).toContain('QUERY_TOO_DEEP');
  });

  it('the secret never appears in logs, outputs, API responses or the database files', async () => {
    const admin = api.adminToken;
    const logs = await call(
      admin,
      'query($id: ID!) { jobLogs(runId: $id, jobPath: "build.main.leak") { text stream } }',
      { id: runId },
    );
    const texts = (logs.body.data as { jobLogs: { text: string }[] }).jobLogs.map((l) => l.text);
    expect(texts).toContain('key=***');
    const run = await call(
      admin,
      'query($id: ID!) { run(id: $id) { stages { actions { jobs { outputs } } } } }',
      { id: runId },
    );
    expect(JSON.stringify(run.body)).toContain('***');
    await call(admin, '{ secrets(organization: "default") { name createdAt } }');
    const events = await subscribeOnce(
      admin,
      'subscription($id: ID) { runUpdates(runId: $id, afterSeq: 0) { event { outputs data } run { stages { actions { jobs { outputs reason } } } } } }',
      { id: runId },
    );
    responses.push(JSON.stringify(events.items));
    const live = await subscribeOnce(
      admin,
      'subscription($id: ID!) { jobLog(runId: $id, jobPath: "build.main.leak") { lines { text } } }',
      { id: runId },
    );
    responses.push(JSON.stringify(live.items));
    expect(JSON.stringify(live.items)).toContain('***');

    for (const body of responses) expect(body).not.toContain(SECRET);

    await api.close(); // flush and close the databases before reading their bytes
    const files = await listFiles(api.dataDir);
    expect(files.some((f) => /\.(db|sqlite)/.test(f))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(Buffer.from(SECRET)), file).toBe(false);
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}
