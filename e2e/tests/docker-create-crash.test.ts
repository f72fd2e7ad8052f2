/**
 * Issue 10 item 2 on a real Docker engine: the engine process dies between Docker's `create` of
 * a job's container and its `start` (frozen with SIGSTOP on the `create` event, then SIGKILLed
 * while the container is still `created`). A new engine process recovers the run.
 *
 * Before the fix the re-attached container, never started, read as exited 0: the job was
 * reported SUCCEEDED without having run, with no log and no output. Proves: the recovering
 * process starts the container (Docker's event log: one create, one start), the job's
 * `exit 7` makes it FAILED with exit code 7, its log line and `[COUT]` output are stored exactly
 * once, and nothing of the run is left.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Dockerode from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/core';
import { createDockerClient, requireDocker } from '@containerops/orchestrator-docker';
import { FileLogSink } from '../support/file-log-sink.js';
import { FileRunStore } from '../support/file-run-store.js';

const BUSYBOX = 'containerops/busybox:latest';
const JOB = 'work.once.fail';
const here = dirname(fileURLToPath(import.meta.url));
const e2eDir = join(here, '..');
const gate = await requireDocker({ images: [BUSYBOX] });

const WORKFLOW = `uri: e2e/crash/create-start
stages:
  - { type: start, name: start }
  - type: normal
    name: work
    actions:
      - name: once
        jobs:
          - name: fail
            endpoint: ${BUSYBOX}
            command: |
              echo "[COUT] MARK = ran"
              echo "the job ran"
              exit 7
            outputs: [MARK]
  - { type: end, name: end }
`;

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

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Docker's own account of one job container: create, start, die (with its exit code). */
interface ContainerEvent {
  readonly action: string;
  readonly containerId: string;
  readonly runId: string;
  /** `stage.action.job`. */
  readonly jobPath: string;
  readonly exitCode?: number;
}

interface DockerEventLog {
  readonly events: readonly ContainerEvent[];
  /** Called for each event as it arrives, in the stream's own callback. */
  onEvent(listener: (event: ContainerEvent) => void): void;
  stop(): void;
}

/** Follows Docker's container events of managed objects live (dockerd keeps only its last 256). */
async function recordContainerEvents(docker: Dockerode): Promise<DockerEventLog> {
  const stream = (await docker.getEvents({
    filters: {
      type: ['container'],
      event: ['create', 'start', 'die'],
      label: [`${JobLabel.managed}=true`],
    },
  })) as NodeJS.ReadableStream & { destroy(): void };
  const events: ContainerEvent[] = [];
  const listeners: ((event: ContainerEvent) => void)[] = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line === '') continue;
      const raw = JSON.parse(line) as {
        Action: string;
        Actor: { ID: string; Attributes: Record<string, string> };
      };
      const labels = raw.Actor.Attributes;
      const event: ContainerEvent = {
        action: raw.Action,
        containerId: raw.Actor.ID,
        runId: labels[JobLabel.runId] ?? '',
        jobPath: [labels[JobLabel.stage], labels[JobLabel.action], labels[JobLabel.job]].join('.'),
        ...(raw.Action === 'die' ? { exitCode: Number(labels['exitCode']) } : {}),
      };
      events.push(event);
      for (const listener of listeners) listener(event);
    }
  });
  stream.on('error', () => undefined);
  return { events, onEvent: (l) => listeners.push(l), stop: () => stream.destroy() };
}

describe.skipIf(!gate.available)(
  'engine killed between container create and start (Docker)',
  () => {
    const { docker } = createDockerClient({});
    const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const processes: EngineProcess[] = [];
    const runIds: string[] = [];
    const stateDirs: string[] = [];
    let log: DockerEventLog | undefined;

    afterAll(async () => {
      for (const p of processes) {
        if (p.child.exitCode === null && p.child.signalCode === null) {
          p.child.kill('SIGCONT');
          p.child.kill('SIGKILL');
        }
      }
      log?.stop();
      // Leftovers only after a failure; the test asserts there are none.
      for (const runId of runIds) {
        const label = [`${JobLabel.runId}=${runId}`];
        const containers = await docker.listContainers({ all: true, filters: { label } });
        for (const c of containers) await docker.getContainer(c.Id).remove({ force: true });
        const { Volumes } = await docker.listVolumes({ filters: { label } });
        for (const v of Volumes ?? []) await docker.getVolume(v.Name).remove({ force: true });
      }
      for (const dir of stateDirs) await rm(dir, { recursive: true, force: true });
    });

    /**
     * Starts the run in an engine process and kills it right after Docker created the job's
     * container: SIGSTOP on the `create` event (the engine then seeds `$CO_OUTPUT` for tens of ms
     * before it starts the container), a look that the container is still `created`, SIGKILL.
     * Returns false when the engine won the race (the container was started): the caller tries
     * again with a new run.
     */
    async function killBetweenCreateAndStart(
      events: DockerEventLog,
      runId: string,
      stateDir: string,
    ): Promise<boolean> {
      const workflow = join(stateDir, 'workflow.yaml');
      await writeFile(workflow, WORKFLOW);
      const engine = startEngine(['start', stateDir, runId, workflow]);
      processes.push(engine);
      // Listening from the same turn as the spawn: no event can come before.
      const created = new Promise<ContainerEvent>((resolve) => {
        events.onEvent((event) => {
          if (event.runId !== runId || event.jobPath !== JOB || event.action !== 'create') return;
          engine.child.kill('SIGSTOP'); // at once, in the event's own callback
          resolve(event);
        });
      });
      const event = await Promise.race([
        created,
        engine.exited.then(() => {
          throw new Error(`engine exited before creating the job: ${engine.stderr()}`);
        }),
      ]);
      // A start request sent just before the stop is answered within this pause.
      await sleep(300);
      const before = await docker.getContainer(event.containerId).inspect();
      engine.child.kill('SIGKILL');
      expect((await engine.exited).signal).toBe('SIGKILL');
      if (before.State.Status !== 'created') return false;
      const after = await docker.getContainer(event.containerId).inspect();
      expect(after.State.Status, 'the fault: a container created, never started').toBe('created');
      return true;
    }

    it('the recovering engine starts the created container: exit 7 -> FAILED, its line stored once', async () => {
      log = await recordContainerEvents(docker);
      let runId = '';
      let stateDir = '';
      let tries = 0;
      for (;;) {
        tries += 1;
        runId = `crash-${session}-${tries}`;
        stateDir = await mkdtemp(join(tmpdir(), 'co-create-crash-'));
        runIds.push(runId);
        stateDirs.push(stateDir);
        if (await killBetweenCreateAndStart(log, runId, stateDir)) break;
        expect(
          tries,
          'the engine started the container before SIGSTOP landed, 3 times',
        ).toBeLessThan(3);
      }

      const second = startEngine(['recover', stateDir]);
      processes.push(second);
      const { code } = await second.exited;
      expect(code, second.stderr()).toBe(0);
      expect(second.messages[0]).toEqual({ recovered: [runId] });
      expect(second.messages[1]).toMatchObject({ done: { runId, status: 'failed' } });

      const store = await FileRunStore.open(stateDir);
      const logs = await FileLogSink.open(stateDir, { readOnly: true });
      try {
        const run = await store.getRun(runId);
        expect(run?.status).toBe('failed');
        const job = run?.stages
          .flatMap((s) => s.actions.flatMap((a) => a.jobs))
          .find((j) => j.path === JOB);
        expect(job).toMatchObject({ status: 'failed', exitCode: 7, attempt: 1 });
        expect(job?.reason).toContain('exited with code 7');

        const lines = await logs.read({ runId, jobPath: JOB, attempt: 1 });
        const stdout = lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
        expect(stdout).toEqual(['[COUT] MARK = ran', 'the job ran']);
        const events = await store.readEvents({ runId });
        const jobEvents = events.filter((e) => e.scope === 'job' && e.path === JOB);
        expect(jobEvents.map((e) => e.status)).not.toContain('succeeded');
        expect(jobEvents.at(-1)?.status).toBe('failed');
      } finally {
        await store.close();
        await logs.close();
      }

      // Docker's own record: the job's container was created once and started once (by the
      // recovering process), and it died with the job's own code.
      const mine = log.events.filter((e) => e.runId === runId && e.jobPath === JOB);
      expect(mine.map((e) => e.action)).toEqual(['create', 'start', 'die']);
      expect(mine.at(-1)?.exitCode).toBe(7);

      const label = [`${JobLabel.runId}=${runId}`];
      process.stderr.write(`[docker-create-crash] fault injected on try ${tries}\n`);
      expect(await docker.listContainers({ all: true, filters: { label } })).toEqual([]);
      const { Volumes } = await docker.listVolumes({ filters: { label } });
      expect(Volumes ?? []).toEqual([]);
    }, 180_000);
  },
);
