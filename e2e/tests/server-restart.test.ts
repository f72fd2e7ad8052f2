/**
 * Issue 5 acceptance on real Docker: the server (SQLite) is SIGKILLed while a run's jobs print
 * numbered lines and a second run waits in its concurrency queue; a new server process on the
 * same data directory resumes: the run completes, no job ran twice (one attempt each, one
 * "started" line each), every log line is stored exactly once and in order, and the queued run
 * starts and completes. Driven through the GraphQL API.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDocker } from '@containerops/orchestrator-docker';

const BUSYBOX = 'containerops/busybox:latest';
const LINES = 150;
const JOBS = ['one', 'two', 'three'];
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
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

interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly adminToken: string | null;
}

async function startServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@containerops/source',
      '--import',
      'tsx',
      join(repoRoot, 'e2e/support/server-process.ts'),
      dataDir,
    ],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        // type-graphql's decorators need the server's tsconfig (experimentalDecorators).
        TSX_TSCONFIG_PATH: join(repoRoot, 'packages/server/tsconfig.json'),
        CONTAINEROPS_ORCHESTRATOR: 'docker',
        CONTAINEROPS_ORCHESTRATOR_CONFIG: JSON.stringify({
          network: 'none',
          pullPolicy: 'never',
          stopGraceMs: 1000,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}): ${stderr}`)));
    lines.once('line', (line) => {
      const info = JSON.parse(line) as { url: string; adminToken: string | null };
      resolve({ child, ...info });
    });
  });
}

async function gql<T>(
  server: { url: string },
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors !== undefined) throw new Error(JSON.stringify(body.errors));
  return body.data as T;
}

interface RunView {
  run: {
    id: string;
    status: string;
    stages: { actions: { jobs: { path: string; status: string; attempt: number }[] }[] }[];
  };
}
const RUN = `query($id: ID!) { run(id: $id) { id status stages { actions { jobs { path status attempt } } } } }`;
const LOGS = `query($id: ID!, $path: String!, $after: Int) { jobLogs(runId: $id, jobPath: $path, afterSeq: $after, limit: 10000) { seq text } }`;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(!gate.available)('server restart on Docker (SIGKILL mid-run)', () => {
  let dataDir: string | undefined;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'resumes the running run, starts the queued one, runs nothing twice, loses no line',
    { timeout: 300_000 },
    async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'co-server-restart-'));
      const first = await startServerProcess(dataDir);
      children.push(first.child);
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
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));

      const second = await startServerProcess(dataDir);
      children.push(second.child);
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
