/**
 * Issue 10 item 4 on Docker: SIGTERM to a real `containerops serve` while a Docker job runs.
 * The server does not wait for the job and does not stop it: it exits 0 promptly with the
 * container still running, and the next start re-attaches it: the run succeeds, the job ran once
 * (one attempt, one "started" line) and every log line is stored exactly once, in order.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '@containerops/orchestrator-docker';
import { gql, waitFor } from '../src/server-child.js';
import { killServe, startServe } from '../src/serve-child.js';
import type { ListeningServe, ServeChild } from '../src/serve-child.js';

const BUSYBOX = 'containerops/busybox:latest';
const LINES = 150;
const gate = await requireDocker({ images: [BUSYBOX] });

const WORKFLOW = `
uri: default/e2e/sigterm-docker
stages:
  - { type: start, name: start }
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
          - name: count
            endpoint: ${BUSYBOX}
            command: 'echo started; i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); sleep 0.05; done'
  - { type: end, name: end }
`;
const RUN = `query($id: ID!) { run(id: $id) { status stages { actions { jobs { path status attempt } } } } }`;
const LOGS = `query($id: ID!, $path: String!) { jobLogs(runId: $id, jobPath: $path, afterSeq: 0, limit: 10000) { seq text } }`;

const children: ServeChild[] = [];
let dataDir: string | undefined;
afterAll(async () => {
  await Promise.all(children.map(killServe));
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

async function serve(dir: string): Promise<ListeningServe> {
  const server = await startServe(['--data', dir, '--port', '0', '--orchestrator', 'docker'], {
    CONTAINEROPS_ORCHESTRATOR_CONFIG: JSON.stringify({ network: 'none', pullPolicy: 'never' }),
  });
  children.push(server);
  return server;
}

async function runningContainers(runId: string): Promise<number> {
  const { stdout } = await promisify(execFile)('docker', [
    'ps',
    '-q',
    '--filter',
    `label=containerops.run-id=${runId}`,
    '--filter',
    'status=running',
  ]);
  return stdout.trim() === '' ? 0 : stdout.trim().split('\n').length;
}

describe.skipIf(!gate.available)('SIGTERM to containerops serve on Docker', () => {
  it(
    'exits 0 at once leaving the container running; the next start re-attaches it and loses no line',
    { timeout: 300_000 },
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'co-sigterm-docker-'));
      const first = await serve(dataDir);
      const token = first.adminToken as string;
      await gql(first, token, `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, {
        y: WORKFLOW,
      });
      const id = (
        await gql<{ triggerRun: { id: string } }>(
          first,
          token,
          `mutation { triggerRun(workflow: "default/e2e/sigterm-docker") { id } }`,
        )
      ).triggerRun.id;
      await waitFor(
        'the job to print',
        async () => {
          const { jobLogs } = await gql<{ jobLogs: unknown[] }>(first, token, LOGS, {
            id,
            path: 'work.print.count',
          });
          return jobLogs.length >= 20 ? true : undefined;
        },
        120_000,
      );
      const sent = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      // Nothing to wait for on Docker: well under the 30 s grace.
      expect(Date.now() - sent).toBeLessThan(15_000);
      expect(first.stderr()).toContain('keep their docker jobs running for the next start');
      expect(await runningContainers(id)).toBe(1);

      const second = await serve(dataDir);
      const done = await waitFor(
        'the run to finish',
        async () => {
          const view = await gql<{
            run: {
              status: string;
              stages: { actions: { jobs: { status: string; attempt: number }[] }[] }[];
            };
          }>(second, token, RUN, { id });
          return ['SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(view.run.status)
            ? view
            : undefined;
        },
        120_000,
      );
      expect(done.run.status).toBe('SUCCEEDED');
      expect(done.run.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs))).toEqual([
        { path: 'work.print.count', status: 'SUCCEEDED', attempt: 1 },
      ]);
      const { jobLogs } = await gql<{ jobLogs: { seq: number; text: string }[] }>(
        second,
        token,
        LOGS,
        { id, path: 'work.print.count' },
      );
      expect(jobLogs.map((l) => l.text)).toEqual([
        'started',
        ...Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
      ]);
      expect(jobLogs.map((l) => l.seq)).toEqual(Array.from({ length: LINES + 1 }, (_, i) => i + 1));
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
  );
});
