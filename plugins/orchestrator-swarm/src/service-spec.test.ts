import { describe, expect, it } from 'vitest';
import { JobLabel } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';
import type Dockerode from 'dockerode';
import { CONTAINER_OUTPUT, serviceCreateOptions, serviceResources } from './service-spec.js';
import type { ServiceContext } from './service-spec.js';

const job: JobSpec = {
  id: 'build-a-j1-abc-1',
  runId: 'run1',
  workflow: 'org/app',
  stage: 'build',
  action: 'a',
  job: 'j1',
  attempt: 1,
  image: 'containerops/busybox:latest',
  command: ['sh', '-c', 'echo hi'],
  env: { CO_DATA: 'a=1', CO_WORKSPACE: 'ignored' },
  resources: {
    cpuMillis: 500,
    memoryBytes: 64 * 1024 * 1024,
    cpuLimitMillis: 1000,
    memoryLimitBytes: 128 * 1024 * 1024,
  },
  labels: { [JobLabel.runId]: 'run1', custom: 'x' },
};

const context: ServiceContext = {
  image: 'sha256:abc',
  stopGraceMs: 2_000,
  init: true,
  volumeDriver: 'local',
  volumeDriverOptions: {},
  placementConstraints: [],
};

function containerSpec(create: Dockerode.CreateServiceOptions): Dockerode.ContainerSpec {
  const template = create.TaskTemplate as Dockerode.ContainerTaskSpec;
  return template.ContainerSpec ?? {};
}

describe('serviceCreateOptions', () => {
  const create = serviceCreateOptions(job, context);
  const template = create.TaskTemplate as Dockerode.ContainerTaskSpec;
  const spec = containerSpec(create);

  it('runs one task in replicated-job mode that Swarm never restarts', () => {
    expect(create.Name).toBe(job.id);
    expect(create.Mode).toEqual({ ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } });
    expect(template.RestartPolicy).toEqual({ Condition: 'none', MaxAttempts: 0 });
  });

  it('runs the resolved image and keeps the original reference as a label', () => {
    expect(spec.Image).toBe('sha256:abc');
    expect(create.Labels?.['containerops.image']).toBe(job.image);
  });

  it('replaces entrypoint and command with `command` and runs it in /workspace', () => {
    expect(spec.Command).toEqual(['sh', '-c', 'echo hi']);
    expect(spec.Args).toBeUndefined();
    expect(spec.Dir).toBe('/workspace');
    const plain = containerSpec(serviceCreateOptions({ ...job, command: undefined }, context));
    expect(plain.Command).toBeUndefined();
    expect(plain.Dir).toBeUndefined();
  });

  it('passes the env and sets CO_WORKSPACE and CO_OUTPUT, which win', () => {
    expect(spec.Env).toEqual([
      'CO_DATA=a=1',
      'CO_WORKSPACE=/workspace',
      `CO_OUTPUT=${CONTAINER_OUTPUT}`,
    ]);
  });

  it('puts the labels on the service and on the container', () => {
    for (const labels of [create.Labels, spec.Labels]) {
      expect(labels).toMatchObject({
        custom: 'x',
        [JobLabel.managed]: 'true',
        [JobLabel.runId]: 'run1',
        [JobLabel.jobId]: job.id,
        [JobLabel.stage]: 'build',
        [JobLabel.attempt]: '1',
      });
    }
  });

  it('mounts the run workspace volume, or the borrowed one of a re-run', () => {
    expect(spec.Mounts).toEqual([
      expect.objectContaining({
        Type: 'volume',
        Source: 'containerops-ws-run1',
        Target: '/workspace',
      }),
    ]);
    const rerun = containerSpec(serviceCreateOptions({ ...job, workspaceRunId: 'run0' }, context));
    expect(rerun.Mounts?.[0]?.Source).toBe('containerops-ws-run0');
  });

  it('sets the stop grace period, the volume driver and placement constraints from the context', () => {
    expect(spec.StopGracePeriod).toBe(2_000_000_000);
    expect(spec.Init).toBe(true);
    const nfs = serviceCreateOptions(job, {
      ...context,
      volumeDriver: 'local',
      volumeDriverOptions: { type: 'nfs', device: ':/export' },
      placementConstraints: ['node.labels.ci==true'],
    });
    expect(containerSpec(nfs).Mounts?.[0]?.VolumeOptions?.DriverConfig).toEqual({
      Name: 'local',
      Options: { type: 'nfs', device: ':/export' },
    });
    expect((nfs.TaskTemplate as Dockerode.ContainerTaskSpec).Placement).toEqual({
      Constraints: ['node.labels.ci==true'],
    });
    expect(template.Placement).toBeUndefined();
  });
});

describe('serviceResources', () => {
  it('maps requests to Reservations and limits to Limits', () => {
    expect(serviceResources(job.resources)).toEqual({
      Reservations: { NanoCPUs: 500_000_000, MemoryBytes: 64 * 1024 * 1024 },
      Limits: { NanoCPUs: 1_000_000_000, MemoryBytes: 128 * 1024 * 1024 },
    });
  });

  it('does not turn a request into a limit', () => {
    expect(serviceResources({ cpuMillis: 250, memoryBytes: 32 * 1024 * 1024 })).toEqual({
      Reservations: { NanoCPUs: 250_000_000, MemoryBytes: 32 * 1024 * 1024 },
      Limits: {},
    });
  });

  it('raises values below Docker minimums, lowers reservations above limits, caps CPU limits at the node size', () => {
    const tiny = serviceResources({ memoryLimitBytes: 1024, cpuLimitMillis: 1 });
    expect(tiny.Limits).toEqual({ MemoryBytes: 6 * 1024 * 1024, NanoCPUs: 10_000_000 });
    const over = serviceResources({ memoryBytes: 200, memoryLimitBytes: 100 * 1024 * 1024 });
    expect(over.Reservations?.MemoryBytes).toBe(6 * 1024 * 1024);
    const above = serviceResources({
      memoryBytes: 512 * 1024 * 1024,
      memoryLimitBytes: 256 * 1024 * 1024,
    });
    expect(above.Reservations?.MemoryBytes).toBe(256 * 1024 * 1024);
    expect(serviceResources({ cpuLimitMillis: 8000 }, 2).Limits?.NanoCPUs).toBe(2_000_000_000);
  });

  it('keeps an impossible CPU request as is, for the capacity check to report', () => {
    expect(serviceResources({ cpuMillis: 1_000_000 }, 2).Reservations?.NanoCPUs).toBe(
      1_000_000 * 1e6,
    );
  });
});
