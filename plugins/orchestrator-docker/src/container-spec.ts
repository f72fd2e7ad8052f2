/**
 * How one job attempt becomes one Docker container: pure functions from the {@link JobSpec} to
 * the create request, so the mapping is unit-tested without an engine.
 */
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import type { JobSpec, ResourceRequirements } from '@containerops/sdk';
import { JobLabel } from '@containerops/sdk';
import { OUTPUT_ROLE, ROLE_LABEL } from './output/output-volume-pool.js';

/** Where the run's workspace volume is mounted in every job container (`CO_WORKSPACE`). */
export const CONTAINER_WORKSPACE = '/workspace';
/**
 * The `$CO_OUTPUT` file inside the container. It is private to the container, never in the
 * shared workspace, so one job can neither read nor forge another's outputs: `/co` is a pooled
 * volume mounted by this container only (see `output/output-volume-pool.ts`), or, when none is
 * ready, a directory of the container's own filesystem seeded before the start. Either way the
 * file exists (0666 in a 0777 directory, for any user) when the job starts, and is read back
 * through the archive API after the exit, before the container is removed.
 */
export const CONTAINER_OUTPUT_DIR = '/co';
export const CONTAINER_OUTPUT = `${CONTAINER_OUTPUT_DIR}/output`;

/** Docker refuses memory limits and reservations below 6 MiB; smaller ones are raised to it. */
export const DOCKER_MIN_MEMORY = 6 * 1024 * 1024;
/** Docker refuses CPU limits below 0.01 CPU. */
const DOCKER_MIN_CPU_MILLIS = 10;

/** Container name of a job attempt: `co-<job id>` (job ids are `[a-z0-9-]{1,63}`). */
export function containerName(jobId: string): string {
  return `co-${jobId}`;
}

/**
 * Name of a run's workspace volume: `co-ws-<run id>`. A run id outside Docker's volume name
 * alphabet is cleaned and suffixed with a hash of the original, so distinct ids stay distinct.
 */
export function workspaceVolumeName(runId: string): string {
  const clean = runId.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 100);
  if (clean === runId) return `co-ws-${runId}`;
  const hash = createHash('sha256').update(runId).digest('hex').slice(0, 12);
  return `co-ws-${clean}-${hash}`;
}

/**
 * Labels of a job container, later entries winning: the run's labels (from `prepare`), labels
 * derived from the spec's fields, the job's own labels, then the three the orchestrator relies on
 * for `reattach` and `cleanup` (`containerops.managed`, `containerops.run-id`, `containerops.job-id`).
 */
export function containerLabels(
  job: JobSpec,
  runLabels: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...runLabels,
    [JobLabel.workflow]: job.workflow,
    [JobLabel.stage]: job.stage,
    [JobLabel.action]: job.action,
    [JobLabel.job]: job.job,
    [JobLabel.attempt]: String(job.attempt),
    ...job.labels,
    // Docker labels hold free text: keep the originals of values the label rule encoded.
    ...job.annotations,
    [JobLabel.managed]: 'true',
    [JobLabel.runId]: job.runId,
    [JobLabel.jobId]: job.id,
  };
}

export type ResourceHostConfig = Pick<
  Dockerode.HostConfig,
  'Memory' | 'MemoryReservation' | 'MemorySwap' | 'NanoCpus' | 'CpuShares'
>;

/**
 * Maps requests and limits the way Kubernetes means them:
 * - memory limit -> `Memory` (hard; the kernel OOM-kills above it) with `MemorySwap` equal to it,
 *   so no swap hides the limit;
 * - memory request -> `MemoryReservation` (a soft limit enforced under memory pressure). A request
 *   alone is NOT turned into a hard limit: original ContainerOps `resources` are requests and
 *   Kubernetes ran them without limits;
 * - CPU limit -> `NanoCpus` (millicores x 10^6), capped at `hostCpus` because Docker refuses a
 *   limit above the machine's CPU count;
 * - CPU request -> `CpuShares` (millicores x 1024 / 1000, at least 2), the relative weight.
 * Values below Docker's minimums (6 MiB, 0.01 CPU) are raised to them; a reservation above the
 * limit is lowered to it.
 */
export function resourceHostConfig(
  resources: ResourceRequirements,
  hostCpus?: number,
): ResourceHostConfig {
  const config: ResourceHostConfig = {};
  const limit = resources.memoryLimitBytes;
  if (limit !== undefined && limit > 0) {
    config.Memory = Math.max(DOCKER_MIN_MEMORY, Math.round(limit));
    config.MemorySwap = config.Memory;
  }
  const request = resources.memoryBytes;
  if (request !== undefined && request > 0) {
    const reservation = Math.max(DOCKER_MIN_MEMORY, Math.round(request));
    config.MemoryReservation =
      config.Memory === undefined ? reservation : Math.min(reservation, config.Memory);
  }
  const cpuLimit = resources.cpuLimitMillis;
  if (cpuLimit !== undefined && cpuLimit > 0) {
    const cap = hostCpus !== undefined && hostCpus > 0 ? hostCpus * 1000 : Infinity;
    const millis = Math.min(cap, Math.max(DOCKER_MIN_CPU_MILLIS, Math.round(cpuLimit)));
    config.NanoCpus = millis * 1_000_000;
  }
  const cpuRequest = resources.cpuMillis;
  if (cpuRequest !== undefined && cpuRequest > 0) {
    config.CpuShares = Math.max(2, Math.round((cpuRequest * 1024) / 1000));
  }
  return config;
}

/** What the create request needs besides the job itself. */
export interface ContainerContext {
  readonly workspaceVolume: string;
  /** `HostConfig.NetworkMode`: `bridge`, `none`, `host` or a network name. */
  readonly network: string;
  /** Labels given to `prepare` for the job's run. */
  readonly runLabels?: Readonly<Record<string, string>>;
  /** CPUs of the engine's host, to cap CPU limits. */
  readonly hostCpus?: number;
  /** Becomes the container's `StopTimeout` (what `docker stop` without `-t` waits). */
  readonly stopGraceMs: number;
  /** Run an init process (tini) as PID 1 so signals reach the job and zombies are reaped. */
  readonly init: boolean;
  /**
   * A seeded `$CO_OUTPUT` volume to mount at `/co` (see `output-volume-pool.ts`); without it the
   * caller seeds `/co` in the container's own filesystem before the start.
   */
  readonly outputVolume?: string;
}

/**
 * The create request of a job's container.
 * - `command` replaces the image's ENTRYPOINT *and* CMD: `Entrypoint = [argv0]`, `Cmd = rest`.
 *   (Docker keeps the image's ENTRYPOINT when only `Cmd` is set, which is not what `command`
 *   means.) Such a job runs in `/workspace`; without `command` the image's own entrypoint and
 *   working directory apply.
 * - env: the job's env plus `CO_WORKSPACE` and `CO_OUTPUT`, which always win.
 * - no restart policy, no TTY, json-file logging (the logs API reads it back from the start).
 * - the run's workspace volume at `/workspace`, and `context.outputVolume` at `/co` if given.
 */
export function containerCreateOptions(
  job: JobSpec,
  context: ContainerContext,
): Dockerode.ContainerCreateOptions {
  if (job.image === undefined) throw new TypeError(`job ${job.id} has no image`);
  const env: Record<string, string> = {
    ...job.env,
    CO_WORKSPACE: CONTAINER_WORKSPACE,
    CO_OUTPUT: CONTAINER_OUTPUT,
  };
  const command = job.command !== undefined && job.command.length > 0 ? job.command : undefined;
  const volumeLabels = {
    ...context.runLabels,
    [JobLabel.managed]: 'true',
    [JobLabel.runId]: job.runId,
  };
  return {
    name: containerName(job.id),
    Image: job.image,
    ...(command === undefined
      ? {}
      : { Entrypoint: [command[0] ?? ''], Cmd: command.slice(1), WorkingDir: CONTAINER_WORKSPACE }),
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: containerLabels(job, context.runLabels),
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    StopTimeout: Math.ceil(context.stopGraceMs / 1000),
    HostConfig: {
      NetworkMode: context.network,
      Init: context.init,
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: {} },
      // Mounts (not Binds) so a volume Docker creates on the fly, when prepare() was skipped,
      // still carries the run's labels and is found by cleanup().
      Mounts: [
        {
          Type: 'volume',
          Source: context.workspaceVolume,
          Target: CONTAINER_WORKSPACE,
          VolumeOptions: {
            NoCopy: false,
            Labels: volumeLabels,
            DriverConfig: { Name: 'local', Options: {} },
          },
        },
        ...(context.outputVolume === undefined
          ? []
          : [
              {
                Type: 'volume' as const,
                Source: context.outputVolume,
                Target: CONTAINER_OUTPUT_DIR,
                // Labels matter only if Docker has to create it (the pooled one vanished):
                // cleanup() then still finds it.
                VolumeOptions: {
                  NoCopy: true,
                  Labels: { ...volumeLabels, [ROLE_LABEL]: OUTPUT_ROLE },
                  DriverConfig: { Name: 'local', Options: {} },
                },
              },
            ]),
      ],
      ...resourceHostConfig(job.resources, context.hostCpus),
    },
  };
}
