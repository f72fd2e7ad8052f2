/**
 * Issue 10 item 4: SIGTERM to a real `containerops serve` process (local orchestrator, SQLite).
 * Before: Apollo's own signal handler re-raised SIGTERM ~0.1 s into the shutdown, so the process
 * died by the signal with its stores unflushed and its database open, and the next start failed
 * every local run with "lost during engine restart". Now:
 * - a job that ends within the grace period finishes: exit 0, the run SUCCEEDED, every log line
 *   stored once (counted), both SQLite files closed cleanly (no WAL left behind, integrity ok);
 *   while it drains, new runs are refused with SHUTTING_DOWN, /readyz and webhooks answer 503;
 * - a job longer than the grace is stopped with a reason that says so, the process still exits 0
 *   within the grace plus a bound, and a run waiting at a pause stage is left to resume;
 * - a second SIGTERM exits at once, non-zero.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gql, waitFor } from '../src/server-child.js';
import { killServe, startServe } from '../src/serve-child.js';
import type { ListeningServe, ServeChild } from '../src/serve-child.js';

const LINES = 300;
const SHORT = `
uri: default/e2e/short
stages:
  - { type: start, name: start }
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
          - name: count
            command: 'i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); sleep 0.01; done'
  - { type: end, name: end }
`;
const LONG = `
uri: default/e2e/long
stages:
  - { type: start, name: start }
  - type: normal
    name: work
    actions:
      - name: print
        jobs:
          - name: forever
            command: 'i=1; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'
  - { type: end, name: end }
`;
const PAUSED = `
uri: default/e2e/paused
stages:
  - { type: start, name: start }
  - { type: pause, name: approve }
  - { type: end, name: end }
`;

const RUN = `query($id: ID!) { run(id: $id) { id status reason stages { actions { jobs { path status reason attempt } } } } }`;
const LOGS = `query($id: ID!, $path: String!, $after: Int) { jobLogs(runId: $id, jobPath: $path, afterSeq: $after, limit: 10000) { seq text } }`;
const APPLY = `mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`;
const TRIGGER = `mutation($w: String!) { triggerRun(workflow: $w) { id status } }`;

interface RunView {
  run: {
    id: string;
    status: string;
    reason: string | null;
    stages: {
      actions: {
        jobs: { path: string; status: string; reason: string | null; attempt: number }[];
      }[];
    }[];
  };
}

const children: ServeChild[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(children.map(killServe));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function serve(dataDir: string, grace: string): Promise<ListeningServe> {
  const server = await startServe(
    ['--data', dataDir, '--port', '0', '--orchestrator', 'local', '--shutdown-grace', grace],
    {},
  );
  children.push(server);
  return server;
}

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'co-shutdown-'));
  dirs.push(dir);
  return dir;
}

async function trigger(server: ListeningServe, token: string, yaml: string, uri: string) {
  await gql(server, token, APPLY, { y: yaml });
  return (await gql<{ triggerRun: { id: string } }>(server, token, TRIGGER, { w: uri })).triggerRun
    .id;
}

async function logCount(server: ListeningServe, token: string, id: string, path: string) {
  const { jobLogs } = await gql<{ jobLogs: { seq: number; text: string }[] }>(server, token, LOGS, {
    id,
    path,
    after: 0,
  });
  return jobLogs;
}

/** What `sqlite3 FILE 'PRAGMA integrity_check'` would say, through node (no sqlite3 CLI needed). */
async function integrity(file: string): Promise<string> {
  const script = `const D=require('better-sqlite3');const d=new D(process.argv[1],{readonly:true});console.log(d.pragma('integrity_check',{simple:true}));d.close();`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, file], {
    cwd: join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'server'),
  });
  return stdout.trim();
}

describe('SIGTERM to containerops serve (local jobs, SQLite)', () => {
  it(
    'lets a job that ends within the grace finish, refuses new runs meanwhile, exits 0 with every line stored and the databases closed',
    { timeout: 180_000 },
    async () => {
      const dataDir = await newDataDir();
      const first = await serve(dataDir, '30s');
      const token = first.adminToken as string;
      const id = await trigger(first, token, SHORT, 'default/e2e/short');
      await waitFor(
        'the job to print',
        async () =>
          (await logCount(first, token, id, 'work.print.count')).length >= 20 ? true : undefined,
        60_000,
      );
      const sent = Date.now();
      first.child.kill('SIGTERM');
      await waitFor(
        'the shutdown to begin',
        async () => (first.stdout().includes('shutting down') ? true : undefined),
        10_000,
      );

      // Draining: reads work, new runs are refused with a stable code, not ready.
      const refused = await fetch(`${first.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: TRIGGER, variables: { w: 'default/e2e/short' } }),
      }).then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);
      expect(refused.errors?.[0]?.extensions?.code).toBe('SHUTTING_DOWN');
      expect((await fetch(`${first.url}/readyz`)).status).toBe(503);
      const hook = await fetch(`${first.url}/hooks/generic/any`, { method: 'POST', body: '{}' });
      expect(hook.status).toBe(503);
      expect(hook.headers.get('retry-after')).toBe('30');
      expect(((await hook.json()) as { code: string }).code).toBe('SHUTTING_DOWN');

      const exit = await first.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - sent).toBeLessThan(30_000 + 15_000);
      // Closed, not abandoned: the last connection's close checkpoints and removes the WAL.
      expect(existsSync(join(dataDir, 'containerops.db-wal'))).toBe(false);
      expect(existsSync(join(dataDir, 'logs.db-wal'))).toBe(false);
      expect(await integrity(join(dataDir, 'containerops.db'))).toBe('ok');
      expect(await integrity(join(dataDir, 'logs.db'))).toBe('ok');

      const second = await serve(dataDir, '30s');
      const view = await gql<RunView>(second, token, RUN, { id });
      expect(view.run.status).toBe('SUCCEEDED');
      const job = view.run.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs))[0];
      expect(job).toMatchObject({ path: 'work.print.count', status: 'SUCCEEDED', attempt: 1 });
      const lines = await logCount(second, token, id, 'work.print.count');
      expect(lines.map((l) => l.text)).toEqual(
        Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
      );
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
      second.child.kill('SIGTERM');
      expect(await second.exited).toEqual({ code: 0, signal: null });
    },
  );

  it(
    'stops a job longer than the grace with the shutdown reason, exits 0 within the grace plus a bound, leaves a paused run to resume',
    { timeout: 180_000 },
    async () => {
      const dataDir = await newDataDir();
      const first = await serve(dataDir, '2s');
      const token = first.adminToken as string;
      const paused = await trigger(first, token, PAUSED, 'default/e2e/paused');
      const id = await trigger(first, token, LONG, 'default/e2e/long');
      await waitFor(
        'the job to print',
        async () =>
          (await logCount(first, token, id, 'work.print.forever')).length >= 3 ? true : undefined,
        60_000,
      );
      await waitFor(
        'the paused run to wait',
        async () =>
          (await gql<RunView>(first, token, RUN, { id: paused })).run.status === 'WAITING'
            ? true
            : undefined,
        30_000,
      );
      const sent = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      const tookMs = Date.now() - sent;
      expect(exit).toEqual({ code: 0, signal: null });
      // 2 s grace + the job's stop (SIGTERM ends the shell at once; the bound allows the kill
      // after the engine's 10 s stop grace) + closing.
      expect(tookMs).toBeLessThan(2_000 + 10_000 + 8_000);
      expect(first.stderr()).toContain('stopping 1 run(s)');

      const second = await serve(dataDir, '2s');
      const view = await gql<RunView>(second, token, RUN, { id });
      expect(view.run.status).toBe('CANCELLED');
      expect(view.run.reason).toContain('server shutting down');
      const job = view.run.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs))[0];
      expect(job?.status).toBe('CANCELLED');
      expect(job?.reason).toContain('server shutting down');
      expect(job?.reason).not.toContain('lost during engine restart');
      // The paused run held no job: it waits again for its approval.
      expect((await gql<RunView>(second, token, RUN, { id: paused })).run.status).toBe('WAITING');
      await killServe(second);
    },
  );

  it('exits at once, non-zero, on a second SIGTERM', { timeout: 120_000 }, async () => {
    const dataDir = await newDataDir();
    const first = await serve(dataDir, '60s');
    const token = first.adminToken as string;
    const id = await trigger(first, token, LONG, 'default/e2e/long');
    await waitFor(
      'the job to print',
      async () =>
        (await logCount(first, token, id, 'work.print.forever')).length >= 1 ? true : undefined,
      60_000,
    );
    first.child.kill('SIGTERM');
    await waitFor(
      'the shutdown to begin',
      async () => (first.stdout().includes('shutting down') ? true : undefined),
      10_000,
    );
    const sent = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toEqual({ code: 143, signal: null });
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(first.stderr()).toContain('SIGTERM again: exiting at once');
  });
});
