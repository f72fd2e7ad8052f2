/**
 * Issue 10, item 5: while runs run, counting and filtering them through the services (which read
 * the `runs` table) must say `running`, as `run(id)` does; they said `queued` until the first
 * stage ended.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedServer } from '../start-server.js';
import { startLocalTestServer } from '../testing/local-test-server.js';
import type { LocalTestServer } from '../testing/local-test-server.js';
import type { Principal, RunCounts } from './contracts.js';

const RUNS = 10;
const WORKFLOW = `
uri: default/demo/slow
stages:
  - type: start
    name: start
  - type: normal
    name: work
    actions:
      - name: wait
        jobs:
          - name: sleeper
            command: sleep 30
  - type: end
    name: end
`;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('run status in lists and counts while runs run', () => {
  let local: LocalTestServer | undefined;
  let server: StartedServer;
  let admin: Principal;

  beforeAll(async () => {
    local = await startLocalTestServer('co-status');
    ({ server, admin } = local);
  });
  afterAll(() => local?.close());

  it('counts and filters them as running, like run(id) does', async () => {
    await server.services.workflows.apply(admin, WORKFLOW);
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++)
      ids.push((await server.services.runs.trigger(admin, 'default/demo/slow')).snapshot.runId);
    // Every job has started (live state), so every run is running.
    await until('every sleeper to run', async () => {
      const records = await Promise.all(ids.map((id) => server.services.runs.get(admin, id)));
      const jobs = records.map((r) => r?.snapshot.stages[1]?.actions[0]?.jobs[0]?.status);
      return jobs.every((s) => s === 'running') ? true : undefined;
    });
    // The rows follow within a write-behind turn; before the fix they said queued for 30 s.
    const counts = await until('the counts to show the runs running', async () => {
      const c: RunCounts = await server.services.runs.counts(admin, 'default');
      return c.running === RUNS ? c : undefined;
    });
    expect(counts).toMatchObject({ queued: 0, running: RUNS });
    const page = await server.services.runs.list(
      admin,
      { organization: 'default', statuses: ['running'] },
      { first: 50 },
    );
    expect(page.totalCount).toBe(RUNS);
    expect(page.runs.map((r) => r.snapshot.runId).sort()).toEqual([...ids].sort());
    const queued = await server.services.runs.list(
      admin,
      { organization: 'default', statuses: ['queued'] },
      { first: 50 },
    );
    expect(queued.totalCount).toBe(0);

    for (const id of ids) await server.services.runs.cancel(admin, id, 'test over');
    const after = await until('the counts to show the runs cancelled', async () => {
      const c = await server.services.runs.counts(admin, 'default');
      return c.cancelled === RUNS ? c : undefined;
    });
    expect(after).toMatchObject({ queued: 0, running: 0, cancelled: RUNS });
  }, 60_000);
});
