/**
 * Issue 5 acceptance on real Docker: the server (SQLite) is SIGKILLed while a run's jobs print
 * numbered lines and a second run waits in its concurrency queue; a new server process on the
 * same data directory resumes: the run completes, no job ran twice (one attempt each, one
 * "started" line each), every log line is stored exactly once and in order, and the queued run
 * starts and completes. Driven through the GraphQL API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '@containerops/orchestrator-docker';
import { gql, killServerChild, startServerChild, waitFor } from '../src/server-child.js';
import type { ServerChild } from '../src/server-child.js';

const BUSYBOX = 'containerops/busybox:latest';
const LINES = 150;
const JOBS = ['one', 'two', 'three'];
const gate = await requireDocker({ images: [BUSYBOX] });

const WORKFLOW = `
uri: default/e2e/restart
concurrency: { group: restart-e2e, limit: 1 }
stages:
  - type: start
    name: start
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
${JOBS.map(
  (job) => `          - name: ${job}
            endpoint: ${BUSYBOX}
            command: 'echo "started $CO_JOB"; i=1; while [ $i -le ${LINES} ]; do echo "$CO_JOB line $i"; i=$((i+1)); sleep 0.02; done'`,
).join('\n')}
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
const SERVER_ENV = {
  CONTAINEROPS_ORCHESTRATOR: 'docker',
  CONTAINEROPS_ORCHESTRATOR_CONFIG: JSON.stringify({
    network: 'none',
    pullPolicy: 'never',
    stopGraceMs: 1000,
  }),
};
const LOGS = `query($id: ID!, $path: String!, $after: Int) { jobLogs(runId: $id, jobPath: $path, afterSeq: $after, limit: 10000) { seq text } }`;

describe.skipIf(!gate.available)('server restart on Docker (SIGKILL mid-run)', () => {
  let dataDir: string | undefined;
  const servers: ServerChild[] = [];
  afterAll(async () => {
    for (const server of servers) await killServerChild(server);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'resumes the running run, starts the queued one, runs nothing twice, loses no line',
    { timeout: 300_000 },
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'co-server-restart-'));
      const first = await startServerChild(dataDir, SERVER_ENV);
      servers.push(first);
      const token = first.adminToken as string;
      expect(token).toMatch(/^co_/);
      const applied = await gql<{ applyWorkflow: { ok: boolean } }>(
        first,
        token,
        `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`,
        { y: WORKFLOW },
      );
      expect(applied.applyWorkflow.ok).toBe(true);
      const trigger = `mutation { triggerRun(workflow: "default/e2e/restart") { id status } }`;
      const a = (await gql<{ triggerRun: { id: string } }>(first, token, trigger)).triggerRun.id;
      const b = (await gql<{ triggerRun: { id: string } }>(first, token, trigger)).triggerRun.id;

      // Kill while job "two" of run A is printing; run B still waits for the concurrency slot.
      await waitFor(
        'job two printing',
        async () => {
          const logs = await gql<{ jobLogs: unknown[] }>(first, token, LOGS, {
            id: a,
            path: 'work.print.two',
            after: 0,
          });
          return logs.jobLogs.length >= 20 ? true : undefined;
        },
        120_000,
      );
      const queued = await gql<RunView>(first, token, RUN, { id: b });
      expect(queued.run.status).toBe('QUEUED');
      await killServerChild(first);

      const second = await startServerChild(dataDir, SERVER_ENV);
      servers.push(second);
      expect(second.adminToken).toBeNull();
      for (const id of [a, b]) {
        const done = await waitFor(
          `run ${id} to finish`,
          async () => {
            const view = await gql<RunView>(second, token, RUN, { id });
            return ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(view.run.status)
              ? view
              : undefined;
          },
          240_000,
        );
        expect(done.run.status).toBe('SUCCEEDED');
        const jobs = done.run.stages.flatMap((s) => s.actions.flatMap((x) => x.jobs));
        expect(jobs.map((j) => [j.path, j.status, j.attempt])).toEqual(
          JOBS.map((j) => [`work.print.${j}`, 'SUCCEEDED', 1]),
        );
        for (const job of JOBS) {
          const { jobLogs } = await gql<{ jobLogs: { seq: number; text: string }[] }>(
            second,
            token,
            LOGS,
            {
              id,
              path: `work.print.${job}`,
              after: 0,
            },
          );
          const texts = jobLogs.map((l) => l.text);
          expect(texts.filter((t) => t === `started ${job}`)).toHaveLength(1);
          expect(texts.filter((t) => t.startsWith(`${job} line `))).toEqual(
            Array.from({ length: LINES }, (_, i) => `${job} line ${i + 1}`),
          );
          expect(jobLogs.map((l) => l.seq)).toEqual(jobLogs.map((_, i) => i + 1));
        }
      }
      second.child.kill('SIGTERM');
      await new Promise((resolve) => second.child.once('exit', resolve));
    },
  );
});
