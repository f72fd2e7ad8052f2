/**
 * Issue 10, item 10 (API): mutations answer with the state after their change, so a client cache
 * (Apollo's) is not left stale; `jobLogs` without `attempt` reads one attempt (the latest), with
 * its attempt on every line, so sequence numbers never restart inside one answer. Real server,
 * local orchestrator, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const workflow = (name: string, stages: string): string => `uri: default/results/${name}
stages:
${stages}`;

const SLEEPER = workflow(
  'sleeper',
  `  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: wait
            command: sleep 30
`,
);
const PAUSED = workflow(
  'paused',
  `  - type: pause
    name: approve
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: say
            command: echo approved
`,
);
const FLAKY = workflow(
  'flaky',
  `  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: flaky
            command: 'echo "first of attempt $CO_ATTEMPT"; echo "second of attempt $CO_ATTEMPT"; exit 1'
            retries: 1
`,
);

interface RunResult {
  id: string;
  status: string;
  stages: { name: string; status: string }[];
}

describe('mutation results and jobLogs attempts (real server)', () => {
  let api: RealServer;

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { body } = await postGraphql(api.url, api.adminToken, query, variables);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  }

  const RUN_FIELDS = 'id status stages { name status }';
  const trigger = async (uri: string): Promise<RunResult> =>
    (
      await gql<{ triggerRun: RunResult }>(
        `mutation ($w: String!) { triggerRun(workflow: $w) { ${RUN_FIELDS} } }`,
        { w: uri },
      )
    ).triggerRun;
  const read = async (id: string): Promise<RunResult> =>
    (await gql<{ run: RunResult }>(`query ($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id }))
      .run;

  beforeAll(async () => {
    api = await startRealServer('local');
    for (const yaml of [SLEEPER, PAUSED, FLAKY]) {
      const applied = await gql<{ applyWorkflow: { ok: boolean } }>(
        'mutation ($y: String!) { applyWorkflow(yaml: $y) { ok } }',
        { y: yaml },
      );
      expect(applied.applyWorkflow.ok).toBe(true);
    }
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await api?.removeData();
  });

  it('triggerRun answers with the run as it started (not queued)', async () => {
    const run = await trigger('default/results/sleeper');
    expect(run.status).toBe('RUNNING');
    expect(run.stages.find((s) => s.name === 'build')?.status).toBe('RUNNING');
    await gql('mutation ($id: ID!) { cancelRun(id: $id) { id } }', { id: run.id });
  }, 30_000);

  it('cancelRun answers with the cancelled run', async () => {
    const run = await trigger('default/results/sleeper');
    const { cancelRun } = await gql<{ cancelRun: RunResult }>(
      `mutation ($id: ID!) { cancelRun(id: $id, reason: "test") { ${RUN_FIELDS} } }`,
      { id: run.id },
    );
    expect(cancelRun.status).toBe('CANCELLED');
    expect((await read(run.id)).status).toBe('CANCELLED');
  }, 30_000);

  it('decidePause answers with the stage decided and the run going on', async () => {
    const run = await trigger('default/results/paused');
    await expect.poll(async () => (await read(run.id)).status, { timeout: 10_000 }).toBe('WAITING');
    const { decidePause } = await gql<{ decidePause: RunResult }>(
      `mutation ($id: ID!) { decidePause(runId: $id, stage: "approve", approved: true) { ${RUN_FIELDS} } }`,
      { id: run.id },
    );
    expect(decidePause.stages.find((s) => s.name === 'approve')?.status).toBe('SUCCEEDED');
    expect(decidePause.status).not.toBe('WAITING');
    await api.server.engines.whenDone(run.id);
  }, 30_000);

  it('jobLogs without attempt reads the latest attempt only, each line with its attempt', async () => {
    const run = await trigger('default/results/flaky');
    const done = await api.server.engines.whenDone(run.id);
    expect(done?.status).toBe('failed');
    const LOGS = `query ($id: ID!, $attempt: Int) {
      jobLogs(runId: $id, jobPath: "build.main.flaky", attempt: $attempt) { attempt seq text } }`;
    type Line = { attempt: number; seq: number; text: string };
    const latest = (await gql<{ jobLogs: Line[] }>(LOGS, { id: run.id })).jobLogs;
    expect(latest.map((l) => l.text)).toEqual(['first of attempt 2', 'second of attempt 2']);
    expect(latest.every((l) => l.attempt === 2)).toBe(true);
    const seqs = latest.map((l) => l.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
    const first = (await gql<{ jobLogs: Line[] }>(LOGS, { id: run.id, attempt: 1 })).jobLogs;
    expect(first.map((l) => l.text)).toEqual(['first of attempt 1', 'second of attempt 1']);
  }, 30_000);
});
