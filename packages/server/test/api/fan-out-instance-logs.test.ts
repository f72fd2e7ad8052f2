/**
 * Issue 16 follow-up: a fan-out instance's log and outputs through the API like a job's. Real
 * server, real engine, local orchestrator: one matrix instance prints, then waits for a gate
 * file this test creates, so "the lines arrive while it runs" is decided by the test, not by
 * timing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, firstCode, postGraphql, waitFor, wsClient } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { applyWorkflow, disposeRealServer, startRealServer } from './support/real-server.js';

const URI = 'default/fanout/instance-logs';
const HELD = 'test.matrix.run[shard=2]';

function workflow(gate: string): string {
  // shard=2 holds at the gate; the others end at once. Each reports RESULT through $CO_OUTPUT (declared, so an
  // ended instance keeps it).
  const script =
    `echo "start $CO_SHARD"; echo "RESULT=shard-$CO_SHARD" >> "$CO_OUTPUT"; ` +
    `if [ "$CO_SHARD" = 2 ]; then while [ ! -f '${gate}' ]; do sleep 0.02; done; fi; ` +
    `echo "end $CO_SHARD"`;
  return `uri: ${URI}
stages:
  - type: normal
    name: test
    actions:
      - name: matrix
        jobs:
          - name: run
            command: ${JSON.stringify(script)}
            outputs: [RESULT]
            matrix:
              axes: { shard: [1, 2, 3] }
`;
}

type LogData = {
  jobLog: { lines: { seq: number; text: string }[] };
};
const JOB_LOG = `subscription ($runId: ID!, $jobPath: String!) {
  jobLog(runId: $runId, jobPath: $jobPath) { lines { seq text } } }`;
const JOB_LOGS = `query ($runId: ID!, $jobPath: String!) {
  jobLogs(runId: $runId, jobPath: $jobPath) { seq text } }`;

type UpdateData = {
  runUpdates: {
    event: {
      seq: number;
      scope: string;
      path: string;
      status: string;
      data: {
        fanOutProgress?: {
          ended: { name: string }[];
          active: { name: string; status: string }[];
        };
      } | null;
    };
  };
};
const RUN_UPDATES = `subscription ($runId: ID!) {
  runUpdates(runId: $runId, afterSeq: 0) { event { seq scope path status data } } }`;
/** The events a runUpdates subscription got so far. */
const eventsOf = (items: { data?: UpdateData | null }[]): UpdateData['runUpdates']['event'][] =>
  items.flatMap((i) => (i.data?.runUpdates.event === undefined ? [] : [i.data.runUpdates.event]));
/** Names of the instances the fan-out's progress events list as ended. */
const endedIn = (events: UpdateData['runUpdates']['event'][]): string[] =>
  events.flatMap((e) => e.data?.fanOutProgress?.ended.map((i) => i.name) ?? []);

describe('fan-out instance logs and outputs (real server, local orchestrator)', () => {
  let api: RealServer;
  let gateDir = '';
  let gate = '';
  let runId = '';
  const clients: Client[] = [];

  const query = async <T>(text: string, variables: Record<string, unknown>): Promise<T> => {
    const { body } = await postGraphql(api.url, api.adminToken, text, variables);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };
  const jobByPath = async (
    path: string,
  ): Promise<{ status: string; attempt: number; outputs: Record<string, string> } | null> =>
    (
      await query<{
        run: { job: { status: string; attempt: number; outputs: Record<string, string> } | null };
      }>(
        'query ($id: ID!, $p: String!) { run(id: $id) { job(path: $p) { status attempt outputs } } }',
        {
          id: runId,
          p: path,
        },
      )
    ).run.job;
  const runStatus = async (): Promise<string> =>
    (
      await query<{ run: { status: string } }>('query ($id: ID!) { run(id: $id) { status } }', {
        id: runId,
      })
    ).run.status;
  const client = (): Client => {
    const c = wsClient(api.wsUrl, api.adminToken);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    gateDir = await mkdtemp(join(tmpdir(), 'co-instance-log-'));
    gate = join(gateDir, 'open');
    api = await startRealServer('local');
    await applyWorkflow(api, workflow(gate));
    runId = (
      await query<{ triggerRun: { id: string } }>(
        'mutation ($w: String!) { triggerRun(workflow: $w) { id } }',
        { w: URI },
      )
    ).triggerRun.id;
  }, 60_000);
  afterAll(async () => {
    await writeFile(gate, '').catch(() => undefined);
    await Promise.all(clients.map((c) => c.dispose()));
    await disposeRealServer(api);
    await rm(gateDir, { recursive: true, force: true });
  });

  /** Opened while the held instance runs; read again once the run ended. */
  let updates: { items: { data?: UpdateData | null }[]; stop: () => void } | undefined;

  it('runUpdates replayed mid-fan-out converges through the fan-out progress events', async () => {
    const deadline = Date.now() + 30_000;
    while ((await jobByPath(HELD))?.status !== 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`${HELD} never ran`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    updates = collect<UpdateData>(client(), RUN_UPDATES, { runId }, 100_000);
    const sub = updates;
    // The instances' own transitions before the subscription were never stored: the replay
    // tells of them through the stored progress events (ended ones, and the held one running).
    await waitFor(
      () => {
        const events = eventsOf(sub.items);
        const ended = endedIn(events);
        const last = events.filter((e) => e.data?.fanOutProgress !== undefined).at(-1);
        return (
          ended.includes('run[shard=1]') &&
          ended.includes('run[shard=3]') &&
          last?.data?.fanOutProgress?.active.some((a) => a.name === 'run[shard=2]') === true
        );
      },
      20_000,
      'progress events listing the ended instances and the held one running',
    );
  }, 60_000);

  it('streams a running instance its lines live, then ends with its attempt', async () => {
    // Run.job finds the instance by path once it started.
    let held: Awaited<ReturnType<typeof jobByPath>> = null;
    const deadline = Date.now() + 30_000;
    while ((held = await jobByPath(HELD))?.status !== 'RUNNING') {
      if (Date.now() > deadline) throw new Error(`${HELD} never ran: ${JSON.stringify(held)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seen: string[] = [];
    const sub = collect<LogData>(client(), JOB_LOG, { runId, jobPath: HELD }, 1_000);
    const texts = (): string[] =>
      sub.items.flatMap((r) => r.data?.jobLog.lines ?? []).map((l) => l.text);
    await waitFor(() => texts().includes('start 2'), 20_000, 'the first line of the held instance');
    // The gate is shut: it is still running, so this line came live.
    expect((await jobByPath(HELD))?.status).toBe('RUNNING');
    seen.push(...texts());
    await writeFile(gate, '');
    const chunks = await sub.done; // completes: the attempt ended and its last line was sent
    expect(chunks.every((c) => c.errors === undefined)).toBe(true);
    const all = chunks.flatMap((c) => c.data!.jobLog.lines);
    expect(all.map((l) => l.text)).toEqual(['start 2', 'end 2']);
    expect(all.map((l) => l.seq)).toEqual([1, 2]);
    expect(seen).toEqual(['start 2']);
  }, 60_000);

  it('gives jobLogs without attempt the instance’s latest attempt, and its outputs', async () => {
    const deadline = Date.now() + 30_000;
    while ((await runStatus()) !== 'SUCCEEDED') {
      if (Date.now() > deadline) throw new Error('run did not succeed');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { jobLogs } = await query<{ jobLogs: { seq: number; text: string }[] }>(JOB_LOGS, {
      runId,
      jobPath: 'test.matrix.run[shard=3]',
    });
    expect(jobLogs.map((l) => l.text)).toEqual(['start 3', 'end 3']);

    const page = await query<{
      run: {
        stages: {
          actions: {
            jobs: { fanOut: { instances: { nodes: { name: string; outputs: unknown }[] } } }[];
          }[];
        }[];
      };
    }>(
      'query ($id: ID!) { run(id: $id) { stages { actions { jobs { fanOut { instances(first: 10) { nodes { name outputs } } } } } } } }',
      { id: runId },
    );
    const nodes = page.run.stages[0]!.actions[0]!.jobs[0]!.fanOut.instances.nodes;
    expect(Object.fromEntries(nodes.map((n) => [n.name, n.outputs]))).toEqual({
      'run[shard=1]': { RESULT: 'shard-1' },
      'run[shard=2]': { RESULT: 'shard-2' },
      'run[shard=3]': { RESULT: 'shard-3' },
    });
    expect(await jobByPath(HELD)).toEqual({
      status: 'SUCCEEDED',
      attempt: 1,
      outputs: { RESULT: 'shard-2' },
    });
  }, 60_000);

  it('sends instance transitions live only: a later replay has none, the live feed had them', async () => {
    const live = updates;
    if (live === undefined) throw new Error('the subscription of the first test is missing');
    // Seen live: the held instance's end (not stored: it carries its run's last stored seq).
    await waitFor(
      () => eventsOf(live.items).some((e) => e.path === HELD && e.status === 'succeeded'),
      20_000,
      'the held instance end, live',
    );
    live.stop();
    const replay = collect<UpdateData>(client(), RUN_UPDATES, { runId }, 100_000);
    await waitFor(
      () => eventsOf(replay.items).some((e) => e.scope === 'RUN' && e.status === 'succeeded'),
      20_000,
      'the replay to reach the run end',
    );
    replay.stop();
    const replayed = eventsOf(replay.items);
    expect(replayed.filter((e) => e.path.includes('['))).toEqual([]);
    expect(endedIn(replayed).sort()).toEqual(['run[shard=1]', 'run[shard=2]', 'run[shard=3]']);
    const seqs = replayed.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 60_000);

  it('answers a path naming no instance as it answers an unknown job', async () => {
    for (const jobPath of [
      'test.matrix.nope',
      'test.matrix.run[shard=9]',
      'test.matrix.run[7]',
      'test.matrix.run[shard=2',
    ]) {
      const refused = await collect<LogData>(client(), JOB_LOG, { runId, jobPath }, 1).done;
      expect(firstCode(refused[0]!), jobPath).toBe('NOT_FOUND');
      expect(refused[0]!.errors?.[0]?.message, jobPath).toBe(`run ${runId} has no job ${jobPath}`);
      const { jobLogs } = await query<{ jobLogs: unknown[] }>(JOB_LOGS, { runId, jobPath });
      expect(jobLogs, jobPath).toEqual([]);
      expect(await jobByPath(jobPath), jobPath).toBeNull();
    }
  }, 60_000);
});
