/**
 * Swarm-specific behaviour on this machine's single-node swarm (the conformance suite covers the
 * shared contract): the service mapping, scheduling failures, the task log path, log resume,
 * and that cleanup leaves nothing behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type Dockerode from 'dockerode';
import { JobLabel } from '@containerops/sdk';
import type { JobHandle, LogChunk, LogOptions, Orchestrator, RunContext } from '@containerops/sdk';
import { behaviourJob } from '@containerops/sdk/testing';
import type { JobBehaviour } from '@containerops/sdk/testing';
import { createDockerClient } from '@containerops/orchestrator-docker';
import { workspaceVolumeName } from './names.js';
import { serviceCreateOptions } from './service-spec.js';
import { createSwarmOrchestrator } from './swarm-orchestrator.js';
import { requireSwarm } from './testing/require-swarm.js';

const image = 'containerops/busybox:latest';
const gate = await requireSwarm({ images: [image] });
const session = `sw${Date.now().toString(36)}`;
let counter = 0;

async function collect(
  o: Orchestrator,
  handle: JobHandle,
  options?: LogOptions,
): Promise<LogChunk[]> {
  const lines: LogChunk[] = [];
  for await (const line of o.logs(handle, options)) lines.push(line);
  return lines;
}

/** Where to resume after the first `k` lines, as the engine would compute it from stored lines. */
function resumePoint(
  lines: readonly LogChunk[],
  k: number,
): Required<Pick<LogOptions, 'sinceTime' | 'skipAtSinceTime'>> {
  const sinceTime = lines[k - 1]?.time ?? 0;
  return {
    sinceTime,
    skipAtSinceTime: lines.slice(0, k).filter((line) => line.time === sinceTime).length,
  };
}

describe.skipIf(!gate.available)('swarm orchestrator on this engine', () => {
  const { docker } = createDockerClient({});
  const o = createSwarmOrchestrator({ pollIntervalMs: 100, stopGraceMs: 2_000 });
  const runs: RunContext[] = [];

  function newRun(): RunContext {
    const runId = `${session}-r${++counter}`;
    const run = {
      runId,
      workflow: 'swarm/it',
      labels: { [JobLabel.runId]: runId, [JobLabel.managed]: 'true' },
    };
    runs.push(run);
    return run;
  }
  const job = (
    run: RunContext,
    behaviour: JobBehaviour,
    extra: Parameters<typeof behaviourJob>[0] extends infer S ? Partial<S> : never = {},
  ) =>
    behaviourJob({ id: `${session}-j${++counter}`, runId: run.runId, image, ...extra }, behaviour);
  const servicesOf = (runId: string) =>
    docker.listServices({ filters: { label: [`${JobLabel.runId}=${runId}`] } });
  const containersOf = (runId: string) =>
    docker.listContainers({ all: true, filters: { label: [`${JobLabel.runId}=${runId}`] } });

  afterAll(async () => {
    for (const run of runs) await o.cleanup(run, { keepWorkspace: false });
  });

  it('runs a job as a replicated-job service, never restarted, labelled, running the image by id', async () => {
    const run = newRun();
    await o.prepare(run);
    const spec = job(
      run,
      { stdout: ['hello'], exitCode: 3 },
      { labels: { ...job(run, {}).labels, team: 'ci' } },
    );
    const handle = await o.start(spec);
    const [lines, exit] = await Promise.all([collect(o, handle), o.wait(handle)]);
    expect(exit).toMatchObject({ exitCode: 3, reason: 'exited' });
    expect(lines.map((line) => line.text)).toEqual(['hello']);

    const service = (await docker.getService(handle.backendId).inspect()) as Dockerode.Service;
    const template = service.Spec?.TaskTemplate as Dockerode.ContainerTaskSpec;
    expect(service.Spec?.Mode).toEqual({
      ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 },
    });
    expect(template.RestartPolicy?.Condition).toBe('none');
    expect(template.ContainerSpec?.Image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(service.Spec?.Labels).toMatchObject({
      team: 'ci',
      [JobLabel.jobId]: spec.id,
      'containerops.image': image,
    });

    const tasks = (await docker.listTasks({ filters: { service: [handle.backendId] } })) as {
      Status: { ContainerStatus: { ContainerID: string } };
    }[];
    expect(tasks, 'one task: a failed job is not restarted').toHaveLength(1);
    const container = await docker
      .getContainer(tasks[0]?.Status.ContainerStatus.ContainerID ?? '')
      .inspect();
    expect(container.Config.Labels).toMatchObject({
      team: 'ci',
      [JobLabel.jobId]: spec.id,
      [JobLabel.runId]: run.runId,
    });

    await o.remove(handle);
    await expect(docker.getService(handle.backendId).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
    expect(await containersOf(run.runId)).toHaveLength(0);
  });

  it("start() refuses reservations no node can meet (1000 CPUs) with Swarm's reason and creates nothing", async () => {
    const run = newRun();
    const started = o.start(
      job(run, { stdout: ['never'] }, { resources: { cpuMillis: 1_000_000 } }),
    );
    await expect(started).rejects.toMatchObject({
      name: 'OrchestratorError',
      code: 'JOB_START_FAILED',
      message: expect.stringContaining(
        'no suitable node (insufficient resources on 1 node)',
      ) as string,
    });
    expect(await servicesOf(run.runId)).toHaveLength(0);
  });

  it("wait() fails a task Swarm keeps pending for resources no node has, with Swarm's own reason", async () => {
    const run = newRun();
    // Created behind the orchestrator's back (as a spec from an older node set would be), then re-attached.
    const spec = job(run, { stdout: ['never'] }, { resources: { cpuMillis: 1_000_000 } });
    const imageId = ((await docker.getImage(image).inspect()) as { Id: string }).Id;
    await docker.createService(
      {},
      serviceCreateOptions(spec, {
        image: imageId,
        stopGraceMs: 1_000,
        init: true,
        volumeDriver: 'local',
        volumeDriverOptions: {},
        placementConstraints: [],
      }),
    );
    const [handle] = await o.reattach({ runId: run.runId });
    expect(handle?.id).toBe(spec.id);
    const exit = await o.wait(handle as JobHandle);
    expect(exit).toMatchObject({ exitCode: null, reason: 'error' });
    expect(exit.message).toContain('no suitable node (insufficient resources on 1 node)');
    expect(await servicesOf(run.runId), 'the unschedulable service is removed').toHaveLength(0);
  });

  it('a task pending on unsatisfiable constraints fails after unschedulableTimeoutMs, or is stopped as killed', async () => {
    const run = newRun();
    const strict = createSwarmOrchestrator({
      pollIntervalMs: 100,
      placementConstraints: ['node.labels.containerops-never==true'],
      unschedulableTimeoutMs: 300,
    });
    const failing = await strict.start(job(run, { stdout: ['never'] }));
    expect(await strict.wait(failing)).toMatchObject({
      reason: 'error',
      message: expect.stringContaining('scheduling constraints not satisfied') as string,
    });
    await strict.remove(failing);

    const patient = createSwarmOrchestrator({
      pollIntervalMs: 100,
      placementConstraints: ['node.labels.containerops-never==true'],
    });
    const pending = await patient.start(job(run, { stdout: ['never'] }));
    const logs = collect(patient, pending);
    await patient.stop(pending, { graceMs: 100 });
    expect(await patient.wait(pending)).toMatchObject({ exitCode: null, reason: 'killed' });
    expect(await logs).toEqual([]);
    expect(await servicesOf(run.runId)).toHaveLength(0);
  });

  it('a new instance re-attaching a service whose task never ran reports error, never an exit', async () => {
    const run = newRun();
    await o.prepare(run);
    const context = {
      stopGraceMs: 1_000,
      init: true,
      volumeDriver: 'local',
      volumeDriverOptions: {},
    };
    // Pending forever (no node matches), as a start cut short would leave it if Swarm could not
    // place it; and rejected (its image cannot be had: a registry on a closed loopback port).
    const pending = job(run, { stdout: ['never'], exitCode: 0 });
    await docker.createService(
      serviceCreateOptions(pending, {
        ...context,
        image,
        placementConstraints: ['node.labels.containerops-never==true'],
      }),
    );
    const rejected = job(run, { stdout: ['never'], exitCode: 0 });
    await docker.createService(
      serviceCreateOptions(rejected, {
        ...context,
        image: '127.0.0.1:9/containerops/never-built:1',
        placementConstraints: [],
      }),
    );
    const restarted = createSwarmOrchestrator({ pollIntervalMs: 100, unschedulableTimeoutMs: 500 });
    const found = await restarted.reattach({ runId: run.runId });
    expect(found.map((h) => h.id).sort()).toEqual([pending.id, rejected.id].sort());
    for (const handle of found) {
      const [lines, exit] = await Promise.all([collect(restarted, handle), restarted.wait(handle)]);
      expect(exit, handle.id).toMatchObject({ exitCode: null, reason: 'error' });
      expect(lines).toEqual([]);
      await restarted.remove(handle);
    }
  }, 60_000);

  it('`docker rm -f` of a running task container: the log ends without an error, wait() says removed', async () => {
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run, { stdout: ['up'], sleepMs: 60_000 }));
    const lines: LogChunk[] = [];
    const follow = (async () => {
      for await (const line of o.logs(handle)) lines.push(line);
    })();
    const exit = o.wait(handle);
    while (!lines.some((l) => l.text === 'up')) await new Promise((r) => setTimeout(r, 50));
    const [container] = await containersOf(run.runId);
    await docker.getContainer(container?.Id ?? 'missing').remove({ force: true });
    await expect(follow, 'the log ends; it is not a log-stream failure').resolves.toBeUndefined();
    expect(await exit).toEqual({
      exitCode: null,
      reason: 'error',
      message:
        "the job's container was removed outside ContainerOps (docker rm -f?) before its exit could be read",
    });
    await o.remove(handle);
  }, 60_000);

  it('resumes container logs after a restart: sinceTime/skipAtSinceTime skip exactly the stored lines', async () => {
    const run = newRun();
    // One stream: Docker stamps stdout and stderr in separate readers, so stamps are ordered
    // within a stream only and a resume point is exact only there.
    const handle = await o.start(job(run, { stdoutRepeat: 3_000 }));
    const [lines] = await Promise.all([collect(o, handle), o.wait(handle)]);
    expect(lines).toHaveLength(3_000);
    const restarted = createSwarmOrchestrator({ pollIntervalMs: 100 });
    const [again] = await restarted.reattach({ runId: run.runId });
    for (const k of [1, 1_500, 3_000]) {
      const rest = await collect(restarted, again as JobHandle, resumePoint(lines, k));
      expect(rest.map((l) => l.text)).toEqual(lines.slice(k).map((l) => l.text));
    }
    await o.remove(handle);
  });

  it('reads logs through the task API (logSource "task"): both streams, every line, resumable', async () => {
    const run = newRun();
    const viaTask = createSwarmOrchestrator({ pollIntervalMs: 100, logSource: 'task' });
    const handle = await viaTask.start(
      job(run, { stdoutRepeat: 2_000, stderr: ['err 1', 'err 2'] }),
    );
    const [lines, exit] = await Promise.all([collect(viaTask, handle), viaTask.wait(handle)]);
    expect(exit.exitCode).toBe(0);
    const stdout = lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    expect(stdout).toEqual(Array.from({ length: 2_000 }, (_, i) => `line ${i + 1}`));
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual([
      'err 1',
      'err 2',
    ]);
    const k = lines.findIndex((l) => l.text === 'line 1000') + 1;
    const rest = await collect(viaTask, handle, resumePoint(lines, k));
    expect(rest.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual(
      stdout.slice(1_000),
    );
    await viaTask.remove(handle);
  });

  it("cleanup() removes the run's services (running ones too), containers and volume; keepWorkspace keeps the volume", async () => {
    const run = newRun();
    await o.prepare(run);
    const handle = await o.start(job(run, { stdout: ['up'], sleepMs: 60_000 }));
    await collect(o, handle, { signal: AbortSignal.timeout(1_500) }).catch(() => undefined);
    await o.cleanup(run, { keepWorkspace: true });
    expect(await servicesOf(run.runId)).toHaveLength(0);
    expect(await containersOf(run.runId)).toHaveLength(0);
    await expect(docker.getVolume(workspaceVolumeName(run.runId)).inspect()).resolves.toBeDefined();
    await o.cleanup(run, { keepWorkspace: false });
    await expect(docker.getVolume(workspaceVolumeName(run.runId)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});
