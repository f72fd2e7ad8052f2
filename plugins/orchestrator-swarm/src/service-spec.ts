/**
 * How one job attempt becomes one Swarm service: pure functions from the {@link JobSpec} to the
 * create request, so the mapping is unit-tested without an engine.
 */
import type Dockerode from 'dockerode';
import { JobLabel, workspaceOwner } from '@containerops/sdk';
import type { JobSpec, ResourceRequirements } from '@containerops/sdk';
import {
  IMAGE_LABEL,
  WORKSPACE_LABEL,
  WORKSPACE_PATH,
  serviceName,
  workspaceVolumeName,
} from './names.js';

/**
 * The `$CO_OUTPUT` file: in the container's own filesystem (not the shared workspace, so one job
 * can neither read nor forge another's outputs), read back through the archive API after the
 * exit. Swarm creates and starts the container itself, so nothing can be put in it beforehand:
 * `/tmp` is the one directory nearly every image has and any user may write to.
 */
export const CONTAINER_OUTPUT = '/tmp/containerops-output';

/** Docker refuses memory limits and reservations below 6 MiB; smaller ones are raised to it. */
const MIN_MEMORY = 6 * 1024 * 1024;
/** Docker refuses CPU limits below 0.01 CPU. */
const MIN_CPU_NANOS = 10_000_000;

/** What the create request needs besides the job itself. */
export interface ServiceContext {
  /** The image reference the spec runs: the local image id under the `local` image policy. */
  readonly image: string;
  readonly stopGraceMs: number;
  /** Run an init process (tini) as PID 1 so signals reach the job and zombies are reaped. */
  readonly init: boolean;
  readonly volumeDriver: string;
  readonly volumeDriverOptions: Readonly<Record<string, string>>;
  readonly placementConstraints: readonly string[];
  /** CPUs of the largest schedulable node: Docker refuses a CPU limit above a node's count. */
  readonly maxNodeCpus?: number;
}

/**
 * Labels of a job's service and container, later entries winning: labels derived from the spec's
 * fields, the job's own labels, then the ones `reattach` and `cleanup` rely on.
 */
export function serviceLabels(job: JobSpec): Record<string, string> {
  return {
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

/**
 * Requests become `Reservations` (the scheduler only places a task on a node with that much
 * unreserved; a reserved memory also becomes the container's soft limit) and limits become
 * `Limits` (hard: the kernel OOM-kills above the memory limit, the CPU is throttled). A request is
 * not turned into a limit. Values below Docker's minimums are raised to them; a reservation above
 * its limit is lowered to it; a CPU limit is capped at the largest node's CPU count.
 */
export function serviceResources(
  resources: ResourceRequirements,
  maxNodeCpus?: number,
): Dockerode.ResourceRequirements {
  const limits: { NanoCPUs?: number; MemoryBytes?: number } = {};
  const reservations: { NanoCPUs?: number; MemoryBytes?: number } = {};
  if (resources.memoryLimitBytes !== undefined && resources.memoryLimitBytes > 0) {
    limits.MemoryBytes = Math.max(MIN_MEMORY, Math.round(resources.memoryLimitBytes));
  }
  if (resources.memoryBytes !== undefined && resources.memoryBytes > 0) {
    const reserved = Math.max(MIN_MEMORY, Math.round(resources.memoryBytes));
    reservations.MemoryBytes =
      limits.MemoryBytes === undefined ? reserved : Math.min(reserved, limits.MemoryBytes);
  }
  if (resources.cpuLimitMillis !== undefined && resources.cpuLimitMillis > 0) {
    const cap = maxNodeCpus !== undefined && maxNodeCpus > 0 ? maxNodeCpus * 1e9 : Infinity;
    limits.NanoCPUs = Math.min(
      cap,
      Math.max(MIN_CPU_NANOS, Math.round(resources.cpuLimitMillis * 1e6)),
    );
  }
  if (resources.cpuMillis !== undefined && resources.cpuMillis > 0) {
    const reserved = Math.round(resources.cpuMillis * 1e6);
    reservations.NanoCPUs =
      limits.NanoCPUs === undefined ? reserved : Math.min(reserved, limits.NanoCPUs);
  }
  return { Limits: limits, Reservations: reservations };
}

/**
 * The create request of a job's service.
 * - mode `ReplicatedJob` with one completion and `RestartPolicy: none`: the task runs once and
 *   Swarm never starts another (retries are the engine's, with their own attempt ids);
 * - `command` replaces the image's ENTRYPOINT and CMD (`ContainerSpec.Command`, no `Args`) and
 *   the job then runs in `/workspace`; without it the image's own entrypoint and directory apply;
 * - env: the job's env plus `CO_WORKSPACE` and `CO_OUTPUT`, which always win;
 * - the run's workspace volume at `/workspace`, with its driver, so a node that lacks the volume
 *   creates it with the same labels;
 * - labels on the service and on the container.
 */
export function serviceCreateOptions(
  job: JobSpec,
  context: ServiceContext,
): Dockerode.CreateServiceOptions {
  const env: Record<string, string> = {
    ...job.env,
    CO_WORKSPACE: WORKSPACE_PATH,
    CO_OUTPUT: CONTAINER_OUTPUT,
  };
  const command =
    job.command !== undefined && job.command.length > 0 ? [...job.command] : undefined;
  const labels = {
    ...serviceLabels(job),
    ...(job.image === undefined ? {} : { [IMAGE_LABEL]: job.image }),
  };
  const wsRun = workspaceOwner(job);
  const containerSpec: Dockerode.ContainerSpec = {
    Image: context.image,
    ...(command === undefined ? {} : { Command: command, Dir: WORKSPACE_PATH }),
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    TTY: false,
    OpenStdin: false,
    Init: context.init,
    StopGracePeriod: Math.max(0, Math.round(context.stopGraceMs)) * 1_000_000,
    Mounts: [
      {
        Type: 'volume',
        Source: workspaceVolumeName(wsRun),
        Target: WORKSPACE_PATH,
        VolumeOptions: {
          NoCopy: false,
          Labels: { [JobLabel.managed]: 'true', [JobLabel.runId]: wsRun, [WORKSPACE_LABEL]: wsRun },
          DriverConfig: { Name: context.volumeDriver, Options: { ...context.volumeDriverOptions } },
        },
      },
    ],
  };
  return {
    Name: serviceName(job),
    Labels: labels,
    Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
    TaskTemplate: {
      ContainerSpec: containerSpec,
      Resources: serviceResources(job.resources, context.maxNodeCpus),
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      ...(context.placementConstraints.length === 0
        ? {}
        : { Placement: { Constraints: [...context.placementConstraints] } }),
      // json-file is what the logs API reads back from the start of the job.
      LogDriver: { Name: 'json-file', Options: {} },
    },
  };
}
