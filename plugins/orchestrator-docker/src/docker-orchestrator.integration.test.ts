/**
 * Docker-specific behaviour on the real engine (the shared contract is covered by
 * docker.conformance.test.ts): labels, resource mapping, network mode, image errors, entrypoint
 * override, `$CO_OUTPUT` for non-root users, log resume, re-attach from a new instance, cleanup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobLabel, parseCpu, parseMemory } from '@containerops/sdk';
import type {
  JobHandle,
  JobSpec,
  LogChunk,
  LogOptions,
  Orchestrator,
  RunContext,
} from '@containerops/sdk';
import { createDockerOrchestrator } from './docker-orchestrator.js';
import { createDockerClient } from './docker-options.js';
import { requireDocker } from './testing/require-docker.js';

const BUSYBOX = 'containerops/busybox:latest';
const ENTRYPOINT_IMAGE = 'containerops/test-entrypoint:latest';
const gate = await requireDocker({ images: [BUSYBOX] });
const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

function newRun(): RunContext {
  const runId = `dk-${session}-r${++counter}`;
  return {
    runId,
    workflow: 'test/docker',
    labels: { [JobLabel.runId]: runId, 'run.label': 'from-prepare' },
  };
}

function job(run: RunContext, script: string, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    id: `dk-${session}-j${++counter}`,
    runId: run.runId,
    workflow: run.workflow,
    stage: 'test',
    action: 'docker',
    job: 'job',
    attempt: 1,
    image: BUSYBOX,
    command: ['sh', '-c', script],
    env: {},
    resources: {},
    labels: { 'job.label': 'yes' },
    ...extra,
  };
}

async function collect(
  o: Orchestrator,
  handle: JobHandle,
  options?: LogOptions,
): Promise<LogChunk[]> {
  const lines: LogChunk[] = [];
  for await (const line of o.logs(handle, options)) lines.push(line);
  return lines;
}

describe.skipIf(!gate.available)('docker orchestrator on the real engine', () => {
  const { docker } = createDockerClient({});
  const o = createDockerOrchestrator({ pullPolicy: 'never', stopGraceMs: 1_000 });
  const run = newRun();

  beforeAll(async () => {
    await o.prepare(run);
    // An image with its own ENTRYPOINT and a non-root USER, committed from busybox.
    const base = await docker.createContainer({ Image: BUSYBOX, Cmd: ['true'] });
    await base.commit({
      repo: 'containerops/test-entrypoint',
      tag: 'latest',
      changes: ['ENTRYPOINT ["echo", "from-entrypoint"]', 'USER nobody'],
    });
    await base.remove({ force: true });
  });

  afterAll(async () => {
    await o.cleanup(run, { keepWorkspace: false });
    await docker
      .getImage(ENTRYPOINT_IMAGE)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it('labels the container and the workspace volume for reattach and cleanup', async () => {
    const handle = await o.start(job(run, 'true'));
    try {
      const info = await docker.getContainer(handle.backendId).inspect();
      expect(info.Config.Labels).toMatchObject({
        'run.label': 'from-prepare',
        'job.label': 'yes',
        [JobLabel.managed]: 'true',
        [JobLabel.runId]: run.runId,
        [JobLabel.jobId]: handle.id,
        [JobLabel.stage]: 'test',
      });
      expect(handle.labels[JobLabel.jobId]).toBe(handle.id);
      const volume = info.Mounts.find((mount) => mount.Destination === '/workspace');
      expect(volume?.Type).toBe('volume');
      const volumeInfo = await docker.getVolume(volume?.Name ?? '').inspect();
      expect(volumeInfo.Labels).toMatchObject({
        [JobLabel.runId]: run.runId,
        'run.label': 'from-prepare',
      });
      await o.wait(handle);
    } finally {
      await o.remove(handle);
    }
  });

  it('maps resources to HostConfig (cpu 500m/2, memory 512Mi/4Gi) and caps the CPU limit at the host', async () => {
    const resources = {
      cpuMillis: parseCpu('500m'),
      cpuLimitMillis: parseCpu('64'),
      memoryBytes: parseMemory('512Mi'),
      memoryLimitBytes: parseMemory('4Gi'),
    };
    const handle = await o.start(job(run, 'true', { resources }));
    try {
      const host = (await docker.getContainer(handle.backendId).inspect()).HostConfig;
      const cpus = ((await docker.info()) as { NCPU: number }).NCPU;
      expect(host).toMatchObject({
        CpuShares: 512,
        NanoCpus: cpus * 1_000_000_000,
        MemoryReservation: 512 * 1024 ** 2,
        Memory: 4 * 1024 ** 3,
        MemorySwap: 4 * 1024 ** 3,
      });
      expect(await o.wait(handle)).toMatchObject({ exitCode: 0, reason: 'exited' });
    } finally {
      await o.remove(handle);
    }
  });

  it.each(['none', 'host'])('runs in network mode %s', async (network) => {
    const orchestrator = createDockerOrchestrator({ pullPolicy: 'never', network });
    expect(orchestrator.capabilities.network).toBe(network !== 'none');
    const handle = await orchestrator.start(job(run, 'ls /sys/class/net'));
    try {
      const [lines, exit] = await Promise.all([
        collect(orchestrator, handle),
        orchestrator.wait(handle),
      ]);
      expect(exit.exitCode).toBe(0);
      expect((await docker.getContainer(handle.backendId).inspect()).HostConfig.NetworkMode).toBe(
        network,
      );
      const interfaces = lines.map((line) => line.text);
      if (network === 'none') expect(interfaces).toEqual(['lo']);
      else expect(interfaces.length).toBeGreaterThan(1);
    } finally {
      await orchestrator.remove(handle);
    }
  });

  it('IMAGE_NOT_FOUND names the image and the pull policy (never, and a failed pull)', async () => {
    const missing = 'containerops/missing-image:never';
    await expect(o.start(job(run, 'true', { image: missing }))).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringMatching(/containerops\/missing-image:never.*pullPolicy is "never"/),
    });
    // A registry on a closed loopback port: the pull fails at once and nothing leaves the machine.
    const pulling = createDockerOrchestrator({ pullPolicy: 'if-not-present' });
    const unreachable = '127.0.0.1:1/containerops/missing:1';
    await expect(pulling.start(job(run, 'true', { image: unreachable }))).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
      message: expect.stringMatching(
        /127\.0\.0\.1:1\/containerops\/missing:1.*could not be pulled \(pullPolicy "if-not-present"\)/,
      ),
    });
  });

  it('command replaces the image entrypoint; without it the entrypoint runs; $CO_OUTPUT works for non-root users', async () => {
    const own = await o.start(job(run, 'ignored', { image: ENTRYPOINT_IMAGE, command: undefined }));
    const [ownLines] = await Promise.all([collect(o, own), o.wait(own)]);
    await o.remove(own);
    expect(ownLines.map((line) => line.text)).toEqual(['from-entrypoint']);

    const script = 'id -u; echo "KEY=value" >> "$CO_OUTPUT"; pwd';
    const handle = await o.start(job(run, script, { image: ENTRYPOINT_IMAGE }));
    try {
      const [lines, exit] = await Promise.all([collect(o, handle), o.wait(handle)]);
      expect(lines.map((line) => line.text)).toEqual(['65534', '/workspace']);
      expect(exit).toMatchObject({ exitCode: 0, reason: 'exited', outputFile: 'KEY=value\n' });
    } finally {
      await o.remove(handle);
    }
  });

  it('loses no last line of short jobs, with or without a final newline', async () => {
    for (let i = 0; i < 8; i++) {
      const handle = await o.start(job(run, `echo first; printf 'last ${i}'`));
      const [lines] = await Promise.all([collect(o, handle), o.wait(handle)]);
      await o.remove(handle);
      expect(lines.map((line) => line.text)).toEqual(['first', `last ${i}`]);
    }
  });

  it('resumes logs after any line with sinceTime/skipAtSinceTime, without duplicates or gaps', async () => {
    const script =
      'for i in 1 2 3 4 5 6; do echo "a$i"; echo "e$i" >&2; done; sleep 1.1; for i in 1 2 3 4 5 6; do echo "b$i"; done';
    const handle = await o.start(job(run, script));
    try {
      const [all] = await Promise.all([collect(o, handle), o.wait(handle)]);
      expect(all).toHaveLength(18);
      for (const k of [0, 3, 7, 11, 12, 16]) {
        const resumeAt = all[k];
        if (resumeAt === undefined) throw new Error('no such line');
        const sameTime = all.slice(0, k + 1).filter((line) => line.time === resumeAt.time).length;
        const rest = await collect(o, handle, {
          sinceTime: resumeAt.time,
          skipAtSinceTime: sameTime,
        });
        const key = (line: LogChunk): string => `${line.stream}:${line.text}`;
        expect(rest.map(key), `resume after line ${k}`).toEqual(all.slice(k + 1).map(key));
      }
    } finally {
      await o.remove(handle);
    }
  });

  it('`docker rm -f` of a running job: its log ends without an error, wait() says it was removed', async () => {
    const handle = await o.start(
      job(run, 'echo up; i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.01; done'),
    );
    const lines: LogChunk[] = [];
    const follow = (async () => {
      for await (const line of o.logs(handle)) lines.push(line);
    })();
    const exit = o.wait(handle);
    while (!lines.some((l) => l.text === 'tick 20')) await new Promise((r) => setTimeout(r, 20));
    await docker.getContainer(handle.backendId).remove({ force: true });
    await expect(follow, 'the log ends; it is not a log-stream failure').resolves.toBeUndefined();
    expect(await exit).toEqual({
      exitCode: null,
      reason: 'error',
      message:
        'the container was removed outside ContainerOps (docker rm -f?) before its exit could be read',
    });
    expect(lines[0]?.text).toBe('up');
    await o.remove(handle);
  });

  it("a SIGKILL from outside is exited 137, not oom; a real memory kill is oom (Docker's OOMKilled)", async () => {
    const killed = await o.start(job(run, 'echo up; sleep 30'));
    const lines = collect(o, killed);
    const exit = o.wait(killed);
    await new Promise((r) => setTimeout(r, 300));
    await docker.getContainer(killed.backendId).kill({ signal: 'SIGKILL' });
    expect(await exit).toEqual({ exitCode: 137, reason: 'exited' });
    await lines;
    await o.remove(killed);

    const limit = 32 * 1024 * 1024;
    const hog = await o.start(
      job(run, 'x=xxxxxxxxxxxxxxxx; while :; do x="$x$x"; done', {
        resources: { memoryBytes: limit, memoryLimitBytes: limit },
      }),
    );
    const [, oom] = await Promise.all([collect(o, hog), o.wait(hog)]);
    expect(oom).toMatchObject({ exitCode: null, reason: 'oom' });
    await o.remove(hog);
  });

  it('a line over 1 MiB arrives in pieces marked partial that join to the whole line', async () => {
    const bytes = 3 * 1024 * 1024 + 5;
    const handle = await o.start(
      job(run, `printf '[COUT] BIG = '; head -c ${bytes} /dev/zero | tr '\\0' a; echo; echo after`),
    );
    const [lines] = await Promise.all([collect(o, handle), o.wait(handle)]);
    await o.remove(handle);
    const pieces = lines.slice(0, -1);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((l) => l.partial === true)).toEqual(
      pieces.map((_, i) => i < pieces.length - 1),
    );
    expect(pieces.map((l) => l.text).join('')).toBe(`[COUT] BIG = ${'a'.repeat(bytes)}`);
    expect(lines.at(-1)).toMatchObject({ text: 'after' });
    expect(lines.at(-1)?.partial).toBeUndefined();
  });

  it('a new instance re-attaches a running job, follows it and gets its exit; cleanup removes leftovers', async () => {
    const own = newRun();
    await o.prepare(own);
    const handle = await o.start(job(own, 'echo started; sleep 1; echo done'));
    const restarted = createDockerOrchestrator({ pullPolicy: 'never' });
    const [found] = await restarted.reattach({ runId: own.runId });
    expect(found).toMatchObject({ id: handle.id, runId: own.runId, backendId: handle.backendId });
    if (found === undefined) return;
    const [lines, exit] = await Promise.all([collect(restarted, found), restarted.wait(found)]);
    expect(lines.map((line) => line.text)).toEqual(['started', 'done']);
    expect(exit).toMatchObject({ exitCode: 0, reason: 'exited' });

    const lingering = await o.start(job(own, 'sleep 30'));
    await restarted.cleanup(own, { keepWorkspace: false });
    await expect(docker.getContainer(lingering.backendId).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(docker.getContainer(handle.backendId).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    const volumes = await docker.listVolumes({
      filters: { label: [`${JobLabel.runId}=${own.runId}`] },
    });
    expect(volumes.Volumes ?? []).toEqual([]);
  });
});

describe('docker orchestrator without an engine', () => {
  it('isAvailable() says no and names the socket', async () => {
    const o = createDockerOrchestrator({
      socketPath: '/nonexistent/docker.sock',
      pingTimeoutMs: 500,
    });
    const availability = await o.isAvailable();
    expect(availability.available).toBe(false);
    expect(availability.reason).toContain('/nonexistent/docker.sock');
  });

  it('start() fails with ORCHESTRATOR_UNAVAILABLE naming the socket', async () => {
    const o = createDockerOrchestrator({ socketPath: '/nonexistent/docker.sock' });
    await expect(o.start(job(newRun(), 'true'))).rejects.toMatchObject({
      code: 'ORCHESTRATOR_UNAVAILABLE',
      message: expect.stringContaining('/nonexistent/docker.sock'),
    });
  });
});
