/**
 * docs/design.md §6 on a real Docker engine: an engine process is killed with SIGKILL while a job's
 * container runs; a new engine process recovers the run from the durable stores
 * (`Engine.recover`), re-attaches the container, and the run finishes as if nothing happened.
 *
 * Proves: the run succeeds; the killed job's container was created and started exactly once
 * (Docker's own event log), its stored log holds `line 1`..`line 3000` exactly once and in
 * order with gap-free seqs, the output it printed before the kill still reaches the next job,
 * which runs after it; and no container or volume of the run is left.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/core';
import type { JobLogLine } from '@containerops/core';
import { createDockerClient, requireDocker } from '@containerops/orchestrator-docker';
import { FileLogSink } from '../support/file-log-sink.js';
import { FileRunStore } from '../support/file-run-store.js';

const BUSYBOX = 'containerops/busybox:latest';
const LINES = 3_000;
const COUNT_JOB = 'produce.lines.count';
const here = dirname(fileURLToPath(import.meta.url));
const e2eDir = join(here, '..');
const gate = await requireDocker({ images: [BUSYBOX] });

interface EngineProcess {
  readonly child: ChildProcess;
  readonly messages: Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startEngine(args: readonly string[]): EngineProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@containerops/source', '--import', 'tsx', 'support/engine-process.ts', ...args],
    { cwd: e2eDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const messages: Record<string, unknown>[] = [];
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
      messages.push(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      out = out.slice(nl + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, messages, exited, stderr: () => err };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function storedLines(stateDir: string, runId: string): Promise<number> {
  return (await readStored(stateDir, runId)).length;
}

async function readStored(stateDir: string, runId: string): Promise<readonly JobLogLine[]> {
  const sink = await FileLogSink.open(stateDir, { readOnly: true });
  return sink.read({ runId, jobPath: COUNT_JOB, attempt: 1 });
}

/** Create/start events of the run's containers, as Docker reports them, until `stop()`. */
async function watchDockerEvents(label: string): Promise<{
  readonly events: { readonly status: string; readonly job: string | undefined }[];
  stop(): void;
}> {
  const { docker } = createDockerClient({});
  const stream = (await docker.getEvents({
    filters: { type: ['container'], event: ['create', 'start'], label: [label] },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const events: { status: string; job: string | undefined }[] = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line === '') continue;
      const e = JSON.parse(line) as {
        status: string;
        Actor: { Attributes: Record<string, string> };
      };
      events.push({ status: e.status, job: e.Actor.Attributes[JobLabel.job] });
    }
  });
  stream.on('error', () => undefined);
  return { events, stop: () => stream.destroy() };
}

describe.skipIf(!gate.available)('engine restart on Docker (SIGKILL while a job runs)', () => {
  const { docker } = createDockerClient({});
  const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const runId = `restart-${session}`;
  const runLabel = `${JobLabel.runId}=${runId}`;
  const processes: EngineProcess[] = [];
  let stateDir = '';
  let stopWatching: () => void = () => undefined;

  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    stopWatching();
    // Leftovers only after a failure; the test asserts there are none.
    const containers = await docker.listContainers({ all: true, filters: { label: [runLabel] } });
    for (const c of containers) await docker.getContainer(c.Id).remove({ force: true });
    const { Volumes } = await docker.listVolumes({ filters: { label: [runLabel] } });
    for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true });
    if (stateDir !== '') await rm(stateDir, { recursive: true, force: true });
  });

  it('a new engine process re-attaches the running job; every line is stored once; nothing is left', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'co-restart-'));
    // Followed live: dockerd keeps only its last 256 events for later queries.
    const watcher = await watchDockerEvents(runLabel);
    const dockerEvents = watcher.events;
    stopWatching = watcher.stop;
    const t0 = Date.now();

    const first = startEngine([
      'start',
      stateDir,
      runId,
      join(here, 'fixtures/docker-restart.yaml'),
    ]);
    processes.push(first);
    await until(
      'the first engine to store 500 lines of the job',
      async () => {
        if (first.child.exitCode !== null)
          throw new Error(`engine exited early: ${first.stderr()}`);
        return (await storedLines(stateDir, runId)) >= 500 ? true : undefined;
      },
      60_000,
    );
    // A random moment within the next burst of output, so the cut is not always between bursts.
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 250)));
    const running = await docker.listContainers({ filters: { label: [runLabel] } });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    expect(running).toHaveLength(1); // the job's container was running when the engine died
    const stored = await readStored(stateDir, runId);
    const atKill = stored.length;
    expect(atKill).toBeLessThan(LINES);
    // The resume point: lines stored with the last stamp are skipped when Docker re-sends them.
    const lastStamp = stored.at(-1)?.time;
    const atLastStamp = stored.filter((l) => l.time === lastStamp).length;

    const second = startEngine(['recover', stateDir]);
    processes.push(second);
    const { code } = await second.exited;
    const doneAt = Date.now();
    expect(code, second.stderr()).toBe(0);
    expect(second.messages[0]).toEqual({ recovered: [runId] });
    expect(second.messages[1]).toEqual({ done: { runId, status: 'succeeded', reason: null } });

    const store = await FileRunStore.open(stateDir);
    const logs = await FileLogSink.open(stateDir, { readOnly: true });
    const run = await store.getRun(runId);
    expect(run?.status).toBe('succeeded');
    const jobs = run?.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)) ?? [];
    const count = jobs.find((j) => j.path === COUNT_JOB);
    const check = jobs.find((j) => j.path === 'after.verify.check');
    expect(count).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect(count?.outputs).toEqual({ FIRST: 'early', COUNT: String(LINES) });
    expect(check).toMatchObject({ status: 'succeeded', attempt: 1 });

    // Every line exactly once, in order, numbered without gaps across the two processes.
    const lines = await logs.read({ runId, jobPath: COUNT_JOB, attempt: 1 });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual([
      '[COUT] FIRST = early',
      ...Array.from({ length: LINES }, (_, i) => `line ${i + 1}`),
      `[COUT] COUNT = ${LINES}`,
    ]);
    const checkLog = await logs.read({ runId, jobPath: 'after.verify.check' });
    expect(checkLog.map((l) => l.text)).toContain(`count=${LINES} first=early`);

    // One `running` per job, and the second job only after the first succeeded.
    const events = await store.readEvents({ runId });
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    const jobEvents = (path: string) => events.filter((e) => e.scope === 'job' && e.path === path);
    expect(jobEvents(COUNT_JOB).map((e) => e.status)).toEqual(['running', 'succeeded']);
    expect(jobEvents('after.verify.check').map((e) => e.status)).toEqual(['running', 'succeeded']);
    const countDone = jobEvents(COUNT_JOB)[1]?.seq ?? Infinity;
    expect(jobEvents('after.verify.check')[0]?.seq ?? 0).toBeGreaterThan(countDone);
    await store.close();

    // Docker's own record: one container created and started per job, the killed one included.
    watcher.stop();
    const tally = (status: string, job: string) =>
      dockerEvents.filter((e) => e.status === status && e.job === job).length;
    expect([tally('create', 'count'), tally('start', 'count')]).toEqual([1, 1]);
    expect([tally('create', 'check'), tally('start', 'check')]).toEqual([1, 1]);

    // Nothing of the run is left behind.
    expect(await docker.listContainers({ all: true, filters: { label: [runLabel] } })).toEqual([]);
    const { Volumes } = await docker.listVolumes({ filters: { label: [runLabel] } });
    expect(Volumes ?? []).toEqual([]);

    process.stderr.write(
      `[docker-restart] killed after ${killedAt - t0} ms with ${atKill}/${LINES} lines stored ` +
        `(${atLastStamp} sharing the last stamp); ` +
        `recovery process ran ${doneAt - killedAt} ms to the end of the run\n`,
    );
  }, 120_000);
});
