/**
 * The API layer over HTTP against in-memory services: record mapping, authentication, input
 * validation, limits and error formatting. (The acceptance tests use the real server.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { LocalApi } from './support/local-api.js';
import { startLocalApi } from './support/local-api.js';
import type { MemoryServices } from './support/memory-services.js';
import { createMemoryServices, sampleRun } from './support/memory-services.js';

let services: MemoryServices;
let api: LocalApi;
let admin: string;
let viewer: string;
let outsider: string;

beforeAll(async () => {
  services = createMemoryServices();
  admin = services.addUser('alice', { acme: 'admin' }, true);
  viewer = services.addUser('victor', { acme: 'viewer' });
  outsider = services.addUser('olga', { other: 'admin' });
  services.addRun(sampleRun('run1'));
  api = await startLocalApi(services);
});

afterAll(async () => {
  await api.close();
});

describe('mapping of service records', () => {
  it('maps a run: ms → ISO DateTime, lower-case statuses → enums, durations, no backend ids', async () => {
    const result = await postGraphql(
      api.url,
      admin,
      `{ run(id: "run1") { id status createdAt startedAt finishedAt durationMs triggerType triggeredBy
         workflowUri organization lastSeq workflow { uri }
         stages { name type status durationMs actions { path status finishedAt durationMs
           jobs { path status attempt exitCode outputs startedAt durationMs } } } } }`,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      run: {
        id: 'run1',
        status: 'TIMED_OUT',
        createdAt: '1970-01-01T00:00:01.000Z',
        startedAt: '1970-01-01T00:00:02.000Z',
        finishedAt: '1970-01-01T00:00:04.500Z',
        durationMs: 2500,
        triggerType: 'api',
        triggeredBy: 'alice',
        workflowUri: 'acme/app/ci',
        organization: 'acme',
        lastSeq: 7,
        workflow: { uri: 'acme/app/ci' },
        stages: [
          {
            name: 'test',
            type: 'NORMAL',
            status: 'TIMED_OUT',
            durationMs: 2500,
            actions: [
              {
                path: 'test.unit',
                status: 'TIMED_OUT',
                finishedAt: null,
                durationMs: null,
                jobs: [
                  {
                    path: 'test.unit.go',
                    status: 'TIMED_OUT',
                    attempt: 1,
                    exitCode: null,
                    outputs: { COVERAGE: '80' },
                    startedAt: '1970-01-01T00:00:02.100Z',
                    durationMs: 2300,
                  },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('maps counts, components, plugins, memberships and secrets', async () => {
    const result = await postGraphql(
      api.url,
      admin,
      `{ runCounts { queued timedOut cancelled }
         components { namespace name latest { version image resources timeoutMs inputs { key required secret } } }
         plugins { kind name healthy active }
         me { name siteAdmin createdAt memberships { organization role } }
         organizations { name myRole members { user role } }
         secrets(organization: "acme") { name } }`,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({
      runCounts: { queued: 1, timedOut: 6, cancelled: 7 },
      components: [
        {
          namespace: 'library',
          name: 'echo',
          latest: {
            version: '1.0.0',
            image: 'containerops/busybox:latest',
            resources: { cpu: 0.5, memory: 1073741824 },
            timeoutMs: 60000,
            inputs: [{ key: 'text', required: true, secret: false }],
          },
        },
      ],
      plugins: [{ kind: 'LOG_STORE', name: 'sqlite', healthy: true, active: null }],
      me: {
        name: 'alice',
        siteAdmin: true,
        createdAt: '1970-01-02T00:00:00.000Z',
        memberships: [{ organization: 'acme', role: 'ADMIN' }],
      },
      organizations: [
        { name: 'acme', myRole: 'ADMIN', members: [{ user: 'alice', role: 'ADMIN' }] },
      ],
      secrets: [{ name: 'TOKEN' }],
    });
  });

  it('returns workflow diagnostics with positions; component diagnostics ride on INVALID_DEFINITION', async () => {
    const applied = await postGraphql(
      api.url,
      admin,
      `mutation { applyWorkflow(yaml: "bad: yes") { ok changed workflow { uri } diagnostics { severity code line col } } }`,
    );
    expect(applied.body.data).toEqual({
      applyWorkflow: {
        ok: false,
        changed: false,
        workflow: null,
        diagnostics: [{ severity: 'ERROR', code: 'unknown-stage-type', line: 3, col: 5 }],
      },
    });
    const published = await postGraphql(
      api.url,
      admin,
      `mutation { publishComponent(yaml: "bad") { version } }`,
    );
    expect(firstCode(published)).toBe('INVALID_DEFINITION');
    expect(published.body.errors?.[0]?.extensions?.['diagnostics']).toEqual([
      { severity: 'error', code: 'missing-field', message: 'image is required', line: 1, col: 1 },
    ]);
  });
});

describe('authentication and authorisation', () => {
  it('refuses a request without a token, or with an unknown one, with 401 UNAUTHENTICATED', async () => {
    for (const token of [undefined, 'co_not_a_token']) {
      const result = await postGraphql(api.url, token, '{ me { name } }');
      expect(result.status).toBe(401);
      expect(firstCode(result)).toBe('UNAUTHENTICATED');
      expect(result.body.data).toBeUndefined();
    }
  });

  it('allows introspection only with a token', async () => {
    const anonymous = await postGraphql(api.url, undefined, '{ __schema { queryType { name } } }');
    expect(firstCode(anonymous)).toBe('UNAUTHENTICATED');
    const signedIn = await postGraphql(api.url, viewer, '{ __schema { queryType { name } } }');
    expect(signedIn.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('passes the services’ FORBIDDEN through for a viewer mutation and a foreign organisation', async () => {
    const asViewer = await postGraphql(
      api.url,
      viewer,
      'mutation { setSecret(organization: "acme", name: "X", value: "v") { name } }',
    );
    expect(firstCode(asViewer)).toBe('FORBIDDEN');
    const foreign = await postGraphql(
      api.url,
      outsider,
      '{ secrets(organization: "acme") { name } }',
    );
    expect(firstCode(foreign)).toBe('FORBIDDEN');
    expect(foreign.body.data).toBeNull();
  });

  it('keeps engine codes (STAGE_NOT_WAITING) as they are', async () => {
    const result = await postGraphql(
      api.url,
      admin,
      'mutation { decidePause(runId: "run1", stage: "s", approved: true) { id } }',
    );
    expect(firstCode(result)).toBe('STAGE_NOT_WAITING');
  });

  it('keeps CSRF prevention on: a GET without a preflight-forcing header is refused', async () => {
    const response = await fetch(`${api.url}?query=${encodeURIComponent('{ me { name } }')}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });
});

describe('input validation and limits', () => {
  it('refuses bad arguments with BAD_USER_INPUT before calling a service', async () => {
    const cases = [
      'mutation { setSecret(organization: "acme", name: "1-bad", value: "v") { name } }',
      '{ runs(first: 0) { totalCount } }',
      '{ runs(first: 100000) { totalCount } }',
      '{ jobLogs(runId: "run1", jobPath: "a.b.c", limit: 10001) { seq } }',
      '{ workflow(uri: "not-a-uri") { uri } }',
      'mutation { triggerRun(workflow: "acme/app/ci", inputs: [1, 2]) { id } }',
      'mutation { triggerRun(workflow: "acme/app/ci", inputs: { a: { nested: true } }) { id } }',
      'mutation { createOrganization(name: "has space") { name } }',
    ];
    for (const query of cases) {
      expect(firstCode(await postGraphql(api.url, admin, query)), query).toBe('BAD_USER_INPUT');
    }
    const hugeSecret = await postGraphql(
      api.url,
      admin,
      'mutation($v: String!) { setSecret(organization: "acme", name: "BIG", value: $v) { name } }',
      {
        v: 'x'.repeat(64 * 1024 + 1),
      },
    );
    expect(firstCode(hugeSecret)).toBe('BAD_USER_INPUT');
  });

  it('refuses an over-deep query with QUERY_TOO_DEEP (also through fragments)', async () => {
    let nested = 'id';
    for (let i = 0; i < 7; i += 1) nested = `lastRun { workflow { ${nested} } }`;
    const deep = await postGraphql(api.url, admin, `{ workflows { ${nested} } }`);
    expect(deep.status).toBe(400);
    expect(firstCode(deep)).toBe('QUERY_TOO_DEEP');

    const viaFragments = await postGraphql(
      api.url,
      admin,
      `fragment R on Run { workflow { lastRun { workflow { lastRun { ...S } } } } }
       fragment S on Run { workflow { lastRun { workflow { lastRun { workflow { lastRun { id } } } } } } }
       { runs { nodes { ...R } } }`,
    );
    expect(firstCode(viaFragments)).toBe('QUERY_TOO_DEEP');

    const fine = await postGraphql(
      api.url,
      admin,
      '{ runs { nodes { stages { actions { jobs { name } } } } } }',
    );
    expect(fine.body.errors).toBeUndefined();
  });

  it('refuses an over-complex query with QUERY_TOO_COMPLEX (big pages, fan-out, aliases, variables)', async () => {
    const bigTree = await postGraphql(
      api.url,
      admin,
      '{ runs(first: 500) { nodes { stages { actions { jobs { name } } } } } }',
    );
    expect(firstCode(bigTree)).toBe('QUERY_TOO_COMPLEX');

    const aliases = Array.from(
      { length: 3 },
      (_, i) => `l${i}: jobLogs(runId: "run1", jobPath: "a.b.c", limit: 10000) { seq }`,
    ).join(' ');
    expect(firstCode(await postGraphql(api.url, admin, `{ ${aliases} }`))).toBe(
      'QUERY_TOO_COMPLEX',
    );

    // A variable's value is unknown at validation: it is charged as the largest page.
    const viaVariable = await postGraphql(
      api.url,
      admin,
      'query($n: Int = 1) { runs(first: $n) { nodes { stages { actions { jobs { name } } } } } }',
      { n: 1 },
    );
    expect(firstCode(viaVariable)).toBe('QUERY_TOO_COMPLEX');

    const onePage = await postGraphql(
      api.url,
      admin,
      '{ jobLogs(runId: "run1", jobPath: "a.b.c", limit: 10000) { seq text } }',
    );
    expect(onePage.body.errors).toBeUndefined();
  });
});

describe('error formatting', () => {
  it('hides unexpected errors behind INTERNAL_SERVER_ERROR with a log id, and logs the real one', async () => {
    services.failNextGet('connection to db-primary.internal:5432 refused');
    const result = await postGraphql(api.url, admin, '{ run(id: "run1") { id } }');
    const error = result.body.errors?.[0];
    expect(error?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    const logId = error?.extensions?.['logId'];
    expect(typeof logId).toBe('string');
    const text = JSON.stringify(result.body);
    expect(text).not.toContain('db-primary');
    expect(text).not.toContain('stacktrace');
    expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    const entry = api.logged.find((l) => l.fields['logId'] === logId);
    expect(JSON.stringify(entry?.fields)).toContain('db-primary.internal:5432 refused');
  });

  it('reports syntax and unknown-field errors with graphql codes, no stack', async () => {
    const syntax = await postGraphql(api.url, admin, '{ me { name ');
    expect(firstCode(syntax)).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await postGraphql(api.url, admin, '{ me { password } }');
    expect(firstCode(unknown)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(unknown.body)).not.toContain('stacktrace');
  });
});
