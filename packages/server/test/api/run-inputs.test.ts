/**
 * Issue 10, item 9: run inputs become every job's environment, so `triggerRun` takes only the
 * inputs the workflow declares, never a reserved name; refusals come from the API with a stable
 * code naming every bad name, and start nothing. Real server, local orchestrator, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstCode, postGraphql } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { disposeRealServer, startRealServer } from './support/real-server.js';

const URI = 'default/inputs/greet';
const YAML = `uri: ${URI}
inputs:
  - GREETING
  - { name: TARGET, default: staging }
stages:
  - type: normal
    name: build
    actions:
      - name: main
        jobs:
          - name: say
            command: 'echo "$GREETING to $TARGET"'
`;
const TRIGGER = `mutation ($w: String!, $inputs: JSON) { triggerRun(workflow: $w, inputs: $inputs) { id } }`;

describe('triggerRun inputs (real server)', () => {
  let api: RealServer;

  const runCount = async (): Promise<number> => {
    const { body } = await postGraphql(
      api.url,
      api.adminToken,
      `query ($w: String!) { runs(filter: { workflow: $w }) { totalCount } }`,
      { w: URI },
    );
    return (body.data as { runs: { totalCount: number } }).runs.totalCount;
  };

  beforeAll(async () => {
    api = await startRealServer('local', YAML);
  }, 60_000);
  afterAll(() => disposeRealServer(api));

  it('refuses reserved names (PATH, BASH_ENV, NODE_OPTIONS, LD_*, CO_DATA, =x) and undeclared ones, starting nothing', async () => {
    const inputs = {
      GREETING: 'hi',
      PATH: '/tmp/evil',
      BASH_ENV: '/tmp/x',
      NODE_OPTIONS: '--require /tmp/x.js',
      LD_PRELOAD: '/tmp/x.so',
      CO_DATA: 'a=b',
      '=x': 'y',
      UNDECLARED: 'z',
    };
    const result = await postGraphql(api.url, api.adminToken, TRIGGER, { w: URI, inputs });
    expect(firstCode(result)).toBe('RUN_INPUTS_INVALID');
    const error = result.body.errors?.[0];
    expect(error?.extensions?.['inputs']).toEqual({
      reserved: ['=x', 'BASH_ENV', 'CO_DATA', 'LD_PRELOAD', 'NODE_OPTIONS', 'PATH'],
      undeclared: ['UNDECLARED'],
      missing: [],
    });
    expect(error?.message).toContain('"PATH"');
    expect(await runCount()).toBe(0);
  });

  it('runs with declared inputs and defaults', async () => {
    const result = await postGraphql(api.url, api.adminToken, TRIGGER, {
      w: URI,
      inputs: { GREETING: 'hello' },
    });
    expect(result.body.errors).toBeUndefined();
    const runId = (result.body.data as { triggerRun: { id: string } }).triggerRun.id;
    expect((await api.server.engines.whenDone(runId))?.status).toBe('succeeded');
    const logs = await postGraphql(
      api.url,
      api.adminToken,
      `query ($id: ID!) { jobLogs(runId: $id, jobPath: "build.main.say") { text } }`,
      { id: runId },
    );
    expect(logs.body.data).toEqual({ jobLogs: [{ text: 'hello to staging' }] });
    expect(await runCount()).toBe(1);
  }, 30_000);
});
