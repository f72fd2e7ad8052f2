import { describe, expect, it } from 'vitest';
import { JobLabel, parseCpu, parseMemory } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';
import {
  CONTAINER_OUTPUT,
  CONTAINER_WORKSPACE,
  DOCKER_MIN_MEMORY,
  containerCreateOptions,
  containerLabels,
  containerName,
  resourceHostConfig,
  workspaceVolumeName,
} from './container-spec.js';
import { OUTPUT_ROLE, ROLE_LABEL } from './output/output-volume-pool.js';

const job: JobSpec = {
  id: 'build-compile-1x2y3z-1',
  runId: 'lx0a1b2c3d4e5f6g7h8',
  workflow: 'org/app/ci',
  stage: 'build',
  action: 'compile',
  job: 'make',
  attempt: 2,
  image: 'containerops/busybox:latest',
  env: { CO_DATA: 'a=1 b=2', CO_WORKSPACE: '/elsewhere' },
  resources: {},
  labels: { team: 'core', [JobLabel.managed]: 'false' },
};
const context = { workspaceVolume: 'co-ws-run', network: 'none', stopGraceMs: 2500, init: true };

describe('containerCreateOptions', () => {
  it('names the container after the job and mounts the run workspace volume at /workspace', () => {
    const create = containerCreateOptions(job, context);
    expect(create.name).toBe(`co-${job.id}`);
    expect(create.HostConfig?.Mounts).toEqual([
      expect.objectContaining({ Type: 'volume', Source: 'co-ws-run', Target: CONTAINER_WORKSPACE }),
    ]);
    expect(create.HostConfig?.RestartPolicy).toEqual({ Name: 'no' });
    expect(create.HostConfig?.NetworkMode).toBe('none');
    expect(create.HostConfig?.Init).toBe(true);
    expect(create.StopTimeout).toBe(3);
  });

  it('adds CO_WORKSPACE and CO_OUTPUT, which win over the job env', () => {
    const env = containerCreateOptions(job, context).Env ?? [];
    expect(env).toContain('CO_DATA=a=1 b=2');
    expect(env).toContain(`CO_WORKSPACE=${CONTAINER_WORKSPACE}`);
    expect(env).toContain(`CO_OUTPUT=${CONTAINER_OUTPUT}`);
    expect(env.filter((entry) => entry.startsWith('CO_WORKSPACE='))).toHaveLength(1);
  });

  it('keeps the image entrypoint and working directory without a command', () => {
    const create = containerCreateOptions(job, context);
    expect(create.Entrypoint).toBeUndefined();
    expect(create.Cmd).toBeUndefined();
    expect(create.WorkingDir).toBeUndefined();
  });

  it('replaces entrypoint and cmd with the command, run in /workspace', () => {
    const create = containerCreateOptions({ ...job, command: ['sh', '-c', 'echo hi'] }, context);
    expect(create.Entrypoint).toEqual(['sh']);
    expect(create.Cmd).toEqual(['-c', 'echo hi']);
    expect(create.WorkingDir).toBe(CONTAINER_WORKSPACE);
    const single = containerCreateOptions({ ...job, command: ['true'] }, context);
    expect([single.Entrypoint, single.Cmd]).toEqual([['true'], []]);
  });

  it('mounts a pooled output volume at /co when given, labelled for cleanup', () => {
    const create = containerCreateOptions(job, { ...context, outputVolume: 'co-out-1' });
    expect(create.HostConfig?.Mounts?.[1]).toMatchObject({
      Type: 'volume',
      Source: 'co-out-1',
      Target: '/co',
      VolumeOptions: {
        NoCopy: true,
        Labels: { [JobLabel.runId]: job.runId, [ROLE_LABEL]: OUTPUT_ROLE },
      },
    });
  });

  it('refuses a job without an image', () => {
    const { image: _image, ...noImage } = job;
    expect(() => containerCreateOptions(noImage, context)).toThrow(/no image/);
  });
});

describe('containerLabels', () => {
  it('merges run labels, spec fields and job labels; managed/run-id/job-id always win', () => {
    const labels = containerLabels(job, { [JobLabel.workflow]: 'from-run', 'run.only': 'x' });
    expect(labels).toMatchObject({
      'run.only': 'x',
      team: 'core',
      [JobLabel.workflow]: 'org/app/ci',
      [JobLabel.stage]: 'build',
      [JobLabel.action]: 'compile',
      [JobLabel.job]: 'make',
      [JobLabel.attempt]: '2',
      [JobLabel.managed]: 'true',
      [JobLabel.runId]: job.runId,
      [JobLabel.jobId]: job.id,
    });
  });
});

describe('resourceHostConfig', () => {
  it('maps parsed quantities: cpu 2 / 500m, memory 4G / 4Gi / 512Mi', () => {
    expect(
      resourceHostConfig({
        cpuMillis: parseCpu('500m'),
        cpuLimitMillis: parseCpu(2),
        memoryBytes: parseMemory('512Mi'),
        memoryLimitBytes: parseMemory('4Gi'),
      }),
    ).toEqual({
      CpuShares: 512,
      NanoCpus: 2_000_000_000,
      MemoryReservation: 512 * 1024 * 1024,
      Memory: 4 * 1024 ** 3,
      MemorySwap: 4 * 1024 ** 3,
    });
    expect(resourceHostConfig({ memoryLimitBytes: parseMemory('4G') }).Memory).toBe(4_000_000_000);
    expect(resourceHostConfig({ cpuMillis: parseCpu('2') }).CpuShares).toBe(2048);
  });

  it('does not turn a memory request into a hard limit', () => {
    expect(resourceHostConfig({ memoryBytes: parseMemory('4G') })).toEqual({
      MemoryReservation: 4_000_000_000,
    });
  });

  it("caps the CPU limit at the host's CPUs and raises values below Docker's minimums", () => {
    expect(resourceHostConfig({ cpuLimitMillis: 4000 }, 2).NanoCpus).toBe(2_000_000_000);
    expect(resourceHostConfig({ cpuLimitMillis: 1 }).NanoCpus).toBe(10_000_000);
    expect(resourceHostConfig({ cpuMillis: 1 }).CpuShares).toBe(2);
    expect(resourceHostConfig({ memoryLimitBytes: 1024 })).toEqual({
      Memory: DOCKER_MIN_MEMORY,
      MemorySwap: DOCKER_MIN_MEMORY,
    });
  });

  it('keeps the reservation at or below the limit', () => {
    const config = resourceHostConfig({
      memoryBytes: parseMemory('1Gi'),
      memoryLimitBytes: parseMemory('512Mi'),
    });
    expect(config.MemoryReservation).toBe(config.Memory);
  });

  it('maps nothing when nothing is asked', () => {
    expect(resourceHostConfig({})).toEqual({});
  });
});

describe('names', () => {
  it('uses co-<job id> and co-ws-<run id>; odd run ids are cleaned and hashed apart', () => {
    expect(containerName('a-1')).toBe('co-a-1');
    expect(workspaceVolumeName('lx0a1b2c')).toBe('co-ws-lx0a1b2c');
    const a = workspaceVolumeName('run/one');
    const b = workspaceVolumeName('run:one');
    expect(a).toMatch(/^co-ws-run-one-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});
