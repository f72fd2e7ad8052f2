/**
 * Issue 16: a fan-out job is one node with counts; its instances are a paged list filtered by
 * status. Real server, local orchestrator, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const URI = 'default/fanout/shards';
const YAML = `uri: ${URI}
stages:
  - type: normal
    name: test
    actions:
      - name: matrix
        jobs:
          - name: run
            command: 'test "$CO_N" != 3 && test "$CO_N" != 5'
            matrix:
              axes: { n: [1, 2, 3, 4, 5, 6, 7] }
              max-parallel: 3
              fail-fast: false
`;

interface Instance {
  name: string;
  path: string;
  status: string;
  attempt: number;
  exitCode: number | null;
}
interface Page {
  nodes: Instance[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  totalCount: number;
}

describe('fan-out instances in the API (real server)', () => {
  let api: RealServer;
  let runId = '';

  const fanOut = async (args: string): Promise<Record<string, unknown> & { instances: Page }> => {
    const { body } = await postGraphql(
      api.url,
      api.adminToken,
      `query ($id: ID!) { run(id: $id) { stages { actions { jobs { path status fanOut {
        total started running passed failed skipped
        instances(${args}) { nodes { name path status attempt exitCode }
          pageInfo { endCursor hasNextPage } totalCount } } } } } } }`,
      { id: runId },
    );
    expect(body.errors).toBeUndefined();
    const data = body.data as {
      run: {
        stages: {
          actions: { jobs: { fanOut: Record<string, unknown> & { instances: Page } }[] }[];
        }[];
      };
    };
    const job = data.run.stages[0]?.actions[0]?.jobs[0];
    if (job === undefined) throw new Error('no job');
    return job.fanOut;
  };

  beforeAll(async () => {
    api = await startRealServer('local');
    const applied = await postGraphql(
      api.url,
      api.adminToken,
      'mutation ($y: String!) { applyWorkflow(yaml: $y) { ok } }',
      { y: YAML },
    );
    expect(applied.body.data).toEqual({ applyWorkflow: { ok: true } });
    const started = await postGraphql(
      api.url,
      api.adminToken,
      'mutation ($w: String!) { triggerRun(workflow: $w) { id } }',
      { w: URI },
    );
    runId = (started.body.data as { triggerRun: { id: string } }).triggerRun.id;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { body } = await postGraphql(
        api.url,
        api.adminToken,
        'query ($id: ID!) { run(id: $id) { status } }',
        { id: runId },
      );
      const status = (body.data as { run: { status: string } }).run.status;
      if (
        status === 'FAILED' ||
        status === 'SUCCEEDED' ||
        status === 'failed' ||
        status === 'succeeded'
      )
        break;
      if (Date.now() > deadline) throw new Error(`run still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await api?.removeData();
  });

  it('gives the counts on the job and pages the instances', async () => {
    const first = await fanOut('first: 4');
    expect(first).toMatchObject({
      total: 7,
      started: 7,
      running: 0,
      passed: 5,
      failed: 2,
      skipped: 0,
    });
    expect(first.instances.nodes).toHaveLength(4);
    expect(first.instances.totalCount).toBe(7);
    expect(first.instances.pageInfo.hasNextPage).toBe(true);
    const rest = await fanOut(`first: 4, after: "${first.instances.pageInfo.endCursor}"`);
    expect(rest.instances.nodes).toHaveLength(3);
    expect(rest.instances.pageInfo.hasNextPage).toBe(false);
    const names = [...first.instances.nodes, ...rest.instances.nodes].map((n) => n.name).sort();
    expect(names).toEqual([
      'run[n=1]',
      'run[n=2]',
      'run[n=3]',
      'run[n=4]',
      'run[n=5]',
      'run[n=6]',
      'run[n=7]',
    ]);
  });

  it('filters by status', async () => {
    const failed = await fanOut('status: FAILED, first: 10');
    expect(failed.instances.totalCount).toBe(2);
    expect(failed.instances.nodes.map((n) => `${n.path} ${n.exitCode}`).sort()).toEqual([
      'test.matrix.run[n=3] 1',
      'test.matrix.run[n=5] 1',
    ]);
  });

  it('refuses a cursor it did not give', async () => {
    const { body } = await postGraphql(
      api.url,
      api.adminToken,
      `query ($id: ID!) { run(id: $id) { stages { actions { jobs { fanOut { instances(after: "nope") { totalCount } } } } } } }`,
      { id: runId },
    );
    expect(body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
