/**
 * The work taken off a job's start and end path, on the real engine: pooled `$CO_OUTPUT`
 * volumes (seeded ahead, private per job, usable by non-root users), removals in the background
 * (cleanup still leaves nothing), and the remembered image check (forgotten when the image goes).
 */
import { describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobExit, JobHandle, JobSpec, Orchestrator, RunContext } from '@containerops/sdk';
import { CONTAINER_OUTPUT_DIR } from './container-spec.js';
import { createDockerOrchestrator } from './docker-orchestrator.js';
import { createDockerClient } from './docker-options.js';
import { requireDocker } from './testing/require-docker.js';

const BUSYBOX = 'containerops/busybox:latest';
const gate = await requireDocker({ images: [BUSYBOX] });
const session = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;

function newRun(): RunContext {
  const runId = `bg-${session}-r${++counter}`;
  return { runId, workflow: 'test/docker', labels: { [JobLabel.runId]: runId } };
}

function job(run: RunContext, script: string, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    id: `bg-${session}-j${++counter}`,
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
    labels: {},
    ...extra,
  };
}

/**
 * Runs a job to its end: logs and exit, then remove (which returns before Docker is done).
 * `outputMount` is the type of what is mounted at `/co` (`undefined`: the container's own fs).
 */
async function runJob(
  o: Orchestrator,
  spec: JobSpec,
): Promise<{ lines: string[]; exit: JobExit; outputMount: string | undefined }> {
  const { docker } = createDockerClient({});
  const handle: JobHandle = await o.start(spec);
  const info = await docker.getContainer(handle.backendId).inspect();
  const outputMount = info.Mounts.find((m) => m.Destination === CONTAINER_OUTPUT_DIR)?.Type;
  const lines: string[] = [];
  const [exit] = await Promise.all([
    o.wait(handle),
    (async () => {
      for await (const line of o.logs(handle)) lines.push(line.text);
    })(),
  ]);
  await o.remove(handle);
  await o.remove(handle);
  return { lines, exit, outputMount };
}

describe.skipIf(!gate.available)('background work of the docker orchestrator', () => {
  const { docker } = createDockerClient({});

  it('pooled output volumes: seeded ahead, empty and private per job, writable by non-root; cleanup leaves nothing', async () => {
    const o = createDockerOrchestrator({ pullPolicy: 'never' });
    const r = newRun();
    await o.prepare(r);
    const nonRootImage = `containerops/bg-nonroot-${session}:latest`;
    const base = await docker.createContainer({ Image: BUSYBOX, Cmd: ['true'] });
    await base.commit({
      repo: nonRootImage.split(':')[0],
      tag: 'latest',
      changes: ['USER nobody'],
    });
    await base.remove({ force: true });
    try {
      // The first job finds no pool: it seeds its own filesystem and starts the first batch.
      const first = await runJob(o, job(r, 'echo "N=0" >> "$CO_OUTPUT"'));
      expect(first.exit).toMatchObject({ exitCode: 0, reason: 'exited', outputFile: 'N=0\n' });
      expect(first.outputMount).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // the batch is seeded meanwhile

      const root = await runJob(o, job(r, 'wc -c < "$CO_OUTPUT"; echo "K=v" >> "$CO_OUTPUT"'));
      expect(root.outputMount).toBe('volume');
      expect(root.lines).toEqual(['0']); // nothing of another job's outputs
      expect(root.exit).toMatchObject({ exitCode: 0, outputFile: 'K=v\n' });

      const script = 'id -u; wc -c < "$CO_OUTPUT"; echo "K=w" >> "$CO_OUTPUT"';
      const nobody = await runJob(o, job(r, script, { image: nonRootImage }));
      expect(nobody.outputMount).toBe('volume');
      expect(nobody.lines).toEqual(['65534', '0']);
      expect(nobody.exit).toMatchObject({ exitCode: 0, outputFile: 'K=w\n' });

      const silent = await runJob(o, job(r, 'true'));
      expect(silent.exit).toEqual({ exitCode: 0, reason: 'exited' });

      await o.cleanup(r, { keepWorkspace: true });
      const containers = await docker.listContainers({
        all: true,
        filters: { label: [`${JobLabel.runId}=${r.runId}`] },
      });
      expect(containers).toEqual([]);
      const volumes = await docker.listVolumes({
        filters: { label: [`${JobLabel.runId}=${r.runId}`] },
      });
      expect((volumes.Volumes ?? []).map((v) => v.Name)).toEqual([`co-ws-${r.runId}`]);
    } finally {
      await o.cleanup(r, { keepWorkspace: false });
      await docker
        .getImage(nonRootImage)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it('forgets a remembered image that was removed: IMAGE_NOT_FOUND names the policy', async () => {
    const o = createDockerOrchestrator({ pullPolicy: 'never' });
    const r = newRun();
    const repo = `containerops/bg-cache-${session}`;
    await docker.getImage(BUSYBOX).tag({ repo, tag: '1' });
    try {
      expect((await runJob(o, job(r, 'true', { image: `${repo}:1` }))).exit.exitCode).toBe(0);
      await docker.getImage(`${repo}:1`).remove(); // untags; busybox keeps the layers
      await expect(o.start(job(r, 'true', { image: `${repo}:1` }))).rejects.toMatchObject({
        code: 'IMAGE_NOT_FOUND',
        message: expect.stringMatching(/bg-cache.*pullPolicy is "never"/),
      });
    } finally {
      await o.cleanup(r, { keepWorkspace: false });
      await docker
        .getImage(`${repo}:1`)
        .remove()
        .catch(() => undefined);
    }
  });
});
