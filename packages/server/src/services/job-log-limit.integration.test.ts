/**
 * The per-attempt log size limit of the server config reaches the engine: a job printing more
 * than `jobLogLimitBytes` succeeds (its exit decides), its stored log ends with the truncation
 * line, and the run record says `logTruncated` (cause limit) for the job.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../start-server.js';
import { startLocalTestServer } from '../testing/local-test-server.js';
import type { LocalTestServer } from '../testing/local-test-server.js';
import type { Principal } from './contracts.js';

const WORKFLOW = `
uri: default/demo/chatty
stages:
  - type: start
    name: start
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
          - name: chatty
            command: 'seq -f "line %04g" 1 500; echo "[COUT] DONE = yes"'
            outputs: [DONE]
  - type: end
    name: end
`;

describe('jobLogLimit on a real server (local orchestrator)', () => {
  let local: LocalTestServer | undefined;
  let server: StartedServer;
  let admin: Principal;

  beforeAll(async () => {
    // 100 lines of 9 bytes ("line 0001").
    local = await startLocalTestServer('co-log-limit', { jobLogLimitBytes: 900 });
    ({ server, admin } = local);
  });
  afterAll(() => local?.close());

  it('cuts the stored log, marks the job, keeps its status and outputs', async () => {
    await server.services.workflows.apply(admin, WORKFLOW);
    const { runId } = (await server.services.runs.trigger(admin, 'default/demo/chatty')).snapshot;
    let record = await server.services.runs.get(admin, runId);
    for (let i = 0; i < 200 && record?.snapshot.status !== 'succeeded'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = await server.services.runs.get(admin, runId);
    }
    expect(record?.snapshot.status).toBe('succeeded');
    const job = record?.snapshot.stages[1]?.actions[0]?.jobs[0];
    expect(job?.outputs).toEqual({ DONE: 'yes' });
    expect(job?.logTruncated).toMatchObject({
      cause: 'limit',
      storedBytes: 900,
      limitBytes: 900,
      droppedLines: 401, // lines 101..500 and the [COUT] line
    });
    const lines = await server.services.runs.logs(admin, { runId, jobPath: 'work.print.chatty' });
    const texts = lines.map((l) => l.text);
    expect(texts.filter((t) => t.startsWith('line '))).toHaveLength(100);
    expect(texts.at(-1)).toContain('log truncated at 900 bytes (limit 900 bytes');
  }, 30_000);
});
