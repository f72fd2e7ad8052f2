/**
 * Issue 13 acceptance: two server replicas share their databases and Redis and run jobs on the
 * real Docker engine; once with state on PostgreSQL and logs on MariaDB (through the `tidb` log
 * store, which speaks MySQL's protocol), once with state and logs on TiDB. 20 runs are triggered, half on each replica; while every run's
 * job is printing, replica A is SIGKILLed. Replica B takes A's runs over once A's claims expire
 * and re-attaches their running containers.
 *
 * Proves, by counting: every run succeeds; no job ran twice (one attempt each, one "started"
 * line each); every log line is stored exactly once and in order; a client subscribed to the
 * survivor's `events` from the start saw every event once, in seq order (the same list as a
 * replay of the stored events), A's runs' events included.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '@containerops/orchestrator-docker';
import { gql, killServerChild, startServerChild, waitFor } from '../src/server-child.js';
import type { ServerChild } from '../src/server-child.js';
import { followEvents } from '../src/event-feed.js';
import type { EventFeed } from '../src/event-feed.js';
import { requireSharedDatabases } from '../src/shared-databases.js';
import type { SharedSetup } from '../src/shared-databases.js';

const run = promisify(execFile);
const BUSYBOX = 'containerops/busybox:latest';
const RUNS = 20;
const LINES = 400;
const SECRET_KEY = randomBytes(32).toString('base64');
const gate = await requireDocker({ images: [BUSYBOX] });
const shared = await requireSharedDatabases();

const WORKFLOW = `
uri: default/e2e/replicas
stages:
  - type: start
    name: start
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
          - name: lines
            endpoint: ${BUSYBOX}
            command: 'echo "started $CO_RUN_ID"; i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); sleep 0.05; done'
  - type: end
    name: end
`;

interface RunView {
  run: {
    id: string;
    status: string;
    stages: { actions: { jobs: { path: string; status: string; attempt: number }[] }[] }[];
  };
}
const RUN = `query($id: ID!) { run(id: $id) { id status stages { actions { jobs { path status attempt } } } } }`;
const LOGS = `query($id: ID!, $path: String!, $after: Int) { jobLogs(runId: $id, jobPath: $path, afterSeq: $after, limit: 10000) { seq text } }`;
const TRIGGER = `mutation { triggerRun(workflow: "default/e2e/replicas") { id } }`;
const JOB = 'work.print.lines';

describe.skipIf(!gate.available || !shared.available).each<SharedSetup>(['postgres', 'tidb'])(
  'two replicas on %s + Redis, one SIGKILLed with 20 runs in flight',
  (setup) => {
    const dirs: string[] = [];
    const servers: ServerChild[] = [];
    const feeds: EventFeed[] = [];
    let databases: { state: string; logs: string; drop(): Promise<void> } | undefined;

    beforeAll(async () => {
      databases = await shared.create(setup);
    }, 60_000);
    afterAll(async () => {
      for (const feed of feeds) await feed.close();
      for (const server of servers) await killServerChild(server);
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      await databases?.drop();
      // Containers of the runs are removed by the runs; anything left is this test's own.
      await run('sh', [
        '-c',
        'docker ps -aq --filter label=containerops.workflow=default/e2e/replicas | xargs -r docker rm -f',
      ]).catch(() => undefined);
    });

    async function replica(logged = false): Promise<ServerChild> {
      const dir = await mkdtemp(join(tmpdir(), 'co-replica-'));
      dirs.push(dir);
      const server = await startServerChild(
        dir,
        {
          CONTAINEROPS_DATABASE_URL: databases!.state,
          CONTAINEROPS_REPLICAS: 'many',
          CONTAINEROPS_REDIS_URL: shared.redisUrl,
          CONTAINEROPS_LEASE_TTL: '3s',
          // Replicas must share the key that seals secrets (each data directory would make its own).
          CONTAINEROPS_SECRET_KEY: SECRET_KEY,
          CONTAINEROPS_PLUGINS: JSON.stringify([
            { module: '@containerops/logstore-tidb', config: { url: databases!.logs } },
          ]),
          CONTAINEROPS_ORCHESTRATOR: 'docker',
          CONTAINEROPS_ORCHESTRATOR_CONFIG: JSON.stringify({
            network: 'none',
            pullPolicy: 'never',
            stopGraceMs: 1000,
          }),
        },
        { logged },
      );
      servers.push(server);
      return server;
    }

    it(
      'every run completes on the survivor; no job twice; no line lost or doubled',
      { timeout: 420_000 },
      async () => {
        const a = await replica();
        const token = a.adminToken as string;
        expect(token).toMatch(/^co_/);
        const b = await replica(true);
        expect(b.adminToken).toBeNull(); // one database: bootstrapped once
        const applied = await gql<{ applyWorkflow: { ok: boolean } }>(
          a,
          token,
          `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`,
          { y: WORKFLOW },
        );
        expect(applied.applyWorkflow.ok).toBe(true);
        // A client of the survivor, subscribed before anything runs: it must see every event of
        // both replicas' runs (A's through Redis, then B's after the takeover) once and in order.
        const feed = followEvents(b, token, 0);
        feeds.push(feed);

        const ids: string[] = [];
        for (let i = 0; i < RUNS; i++) {
          const on = i % 2 === 0 ? a : b;
          ids.push((await gql<{ triggerRun: { id: string } }>(on, token, TRIGGER)).triggerRun.id);
        }
        // Every run's job prints before the kill, so A dies with its jobs mid-log.
        await waitFor(
          'every job printing',
          async () => {
            for (const id of ids) {
              const logs = await gql<{ jobLogs: unknown[] }>(b, token, LOGS, {
                id,
                path: JOB,
                after: 0,
              });
              if (logs.jobLogs.length < 3) return undefined;
            }
            return true;
          },
          180_000,
        );
        // All 20 in flight at the kill: A's half can only finish if B takes them over.
        for (const id of ids)
          expect((await gql<RunView>(b, token, RUN, { id })).run.status).toBe('RUNNING');
        await killServerChild(a);

        for (const id of ids) {
          const done = await waitFor(
            `run ${id} to finish on the survivor`,
            async () => {
              const view = await gql<RunView>(b, token, RUN, { id });
              return ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(view.run.status)
                ? view
                : undefined;
            },
            240_000,
          );
          const jobs = done.run.stages.flatMap((s) => s.actions.flatMap((x) => x.jobs));
          expect({ id, status: done.run.status, jobs }).toEqual({
            id,
            status: 'SUCCEEDED',
            jobs: [{ path: JOB, status: 'SUCCEEDED', attempt: 1 }],
          });
          const { jobLogs } = await gql<{ jobLogs: { seq: number; text: string }[] }>(
            b,
            token,
            LOGS,
            {
              id,
              path: JOB,
              after: 0,
            },
          );
          const texts = jobLogs.map((line) => line.text);
          expect(texts.filter((text) => text.startsWith('started '))).toEqual([`started ${id}`]);
          expect(texts.filter((text) => text.startsWith('line '))).toEqual(
            Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
          );
          expect(jobLogs.map((line) => line.seq)).toEqual(jobLogs.map((_, i) => i + 1));
        }
        // B says so in its log: A's 10 runs were taken over (in one or more passes) and resumed.
        const taken = [...b.stderr().matchAll(/took over (\d+) run\(s\)/g)].map((t) =>
          Number(t[1]),
        );
        expect(taken.reduce((sum, n) => sum + n, 0)).toBe(RUNS / 2);
        // The live feed against a replay of the stored events from the same point, on B.
        const replay = followEvents(b, token, 0);
        feeds.push(replay);
        await waitFor(
          'the replay to reach the live feed',
          async () => (replay.events.length >= feed.events.length ? true : undefined),
          30_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more arrives
        expect(feed.errors).toEqual([]);
        const seqs = feed.events.map((event) => event.seq);
        expect(seqs).toEqual(replay.events.map((event) => event.seq));
        expect(seqs.every((seq, k) => k === 0 || seq > seqs[k - 1]!)).toBe(true);
        // Every run's end is among them, A's runs' included.
        const ended = feed.events.filter((e) => e.scope === 'RUN' && e.status === 'succeeded');
        expect(new Set(ended.map((e) => e.runId))).toEqual(new Set(ids));
      },
    );
  },
);
