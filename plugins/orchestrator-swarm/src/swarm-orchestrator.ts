import type Dockerode from 'dockerode';
import { ErrorCode, JobLabel, OrchestratorError, workspaceOwner } from '@containerops/sdk';
import type {
  Availability,
  CleanupOptions,
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  LogOptions,
  Orchestrator,
  OrchestratorCapabilities,
  ReattachSelector,
  RunContext,
  StopOptions,
} from '@containerops/sdk';
import {
  DockerErrorCode,
  DockerLogStreamError,
  toOrchestratorError,
} from '@containerops/orchestrator-docker';
import { schedulableNodes, unschedulableReason } from './capacity.js';
import { resolveServiceImage } from './image-resolver.js';
import { followJobLogs } from './job-logs.js';
import { waitForJobExit } from './job-wait.js';
import { WORKSPACE_LABEL, workspaceVolumeName } from './names.js';
import { serviceCreateOptions, serviceResources } from './service-spec.js';
import { SERVICE_ID_LABEL, SwarmApi } from './swarm-api.js';
import { createSwarmClient, resolveSwarmOptions } from './swarm-options.js';
import type { ResolvedSwarmOptions, SwarmOrchestratorOptions } from './swarm-options.js';
import { isTerminal } from './task-exit.js';
import { TaskWatcher } from './task-watcher.js';

/**
 * The `swarm` {@link Orchestrator}: each job attempt is one Swarm service in `replicated-job`
 * mode (one task, never restarted), each run's workspace one named volume. The engine must be a
 * swarm manager. See the package README for the mapping and what a multi-node swarm needs.
 *
 * Per-handle state kept in memory (who was stopped by us, the shared `wait` promise) is lost on
 * restart: a re-attached job that a previous process stopped reports Swarm's exit instead of
 * `killed`.
 */
export function createSwarmOrchestrator(options: SwarmOrchestratorOptions = {}): Orchestrator {
  return new SwarmOrchestrator(options);
}

class SwarmOrchestrator implements Orchestrator {
  readonly name = 'swarm';
  readonly capabilities: OrchestratorCapabilities = {
    images: true,
    memoryLimit: true,
    cpuLimit: true,
    isolation: true,
    reattach: true,
    // Tasks without a network attach to the node's default bridge, as containers do.
    network: true,
  };
  private readonly docker: Dockerode;
  private readonly api: SwarmApi;
  private readonly settings: ResolvedSwarmOptions;
  private readonly watcher: TaskWatcher;
  private readonly stoppedByUs = new Set<string>();
  private readonly exits = new Map<string, Promise<JobExit>>();

  constructor(options: SwarmOrchestratorOptions) {
    const { docker, endpoint } = createSwarmClient(options);
    this.docker = docker;
    this.settings = resolveSwarmOptions(options);
    this.api = new SwarmApi(docker, endpoint, this.settings.pingTimeoutMs);
    this.watcher = new TaskWatcher(this.api, this.settings.pollIntervalMs);
  }

  isAvailable(): Promise<Availability> {
    return this.api.availability();
  }

  async prepare(run: RunContext): Promise<void> {
    const wsRun = workspaceOwner(run);
    const name = workspaceVolumeName(wsRun);
    await this.api.call(`creating workspace volume ${name}`, () =>
      // Creating a volume that exists returns it unchanged: prepare is idempotent.
      this.docker.createVolume({
        Name: name,
        Driver: this.settings.volumeDriver,
        DriverOpts: { ...this.settings.volumeDriverOptions },
        Labels: {
          ...run.labels,
          [JobLabel.managed]: 'true',
          [JobLabel.runId]: wsRun,
          [WORKSPACE_LABEL]: wsRun,
        },
      }),
    );
  }

  async start(job: JobSpec): Promise<JobHandle> {
    if (job.image === undefined) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} has no image: the swarm orchestrator runs services, give the job an image`,
        'user',
      );
    }
    const image = await resolveServiceImage(
      this.docker,
      job.image,
      this.settings.imagePolicy,
      this.api.endpoint,
    );
    const nodes = await this.api.nodes();
    const maxNodeCpus = Math.max(0, ...schedulableNodes(nodes).map((n) => n.nanoCpus)) / 1e9;
    const reservations = serviceResources(job.resources, maxNodeCpus).Reservations ?? {};
    const impossible = unschedulableReason(reservations, nodes);
    if (impossible !== undefined) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `cannot start job ${job.id}: ${impossible}`,
        'user',
        {
          details: { reservations },
        },
      );
    }
    const create = serviceCreateOptions(job, {
      image,
      stopGraceMs: this.settings.stopGraceMs,
      init: this.settings.init,
      volumeDriver: this.settings.volumeDriver,
      volumeDriverOptions: this.settings.volumeDriverOptions,
      placementConstraints: this.settings.placementConstraints,
      ...(maxNodeCpus > 0 ? { maxNodeCpus } : {}),
    });
    const serviceId = await this.api.createService(create, job.image);
    return { id: job.id, runId: job.runId, backendId: serviceId, labels: create.Labels ?? {} };
  }

  async *logs(handle: JobHandle, options: LogOptions = {}): AsyncGenerator<LogChunk> {
    const id = handle.backendId;
    try {
      yield* followJobLogs(
        {
          docker: this.docker,
          watcher: this.watcher,
          source: this.settings.logSource,
          localNodeId: () => this.api.localNodeId(),
          isStopped: () => this.stoppedByUs.has(id),
        },
        id,
        options,
      );
    } catch (error) {
      const code =
        error instanceof DockerLogStreamError ? DockerErrorCode.logStreamFailed : undefined;
      throw toOrchestratorError(error, `reading logs of job ${handle.id}`, this.api.endpoint, code);
    }
  }

  wait(handle: JobHandle): Promise<JobExit> {
    const id = handle.backendId;
    let exit = this.exits.get(id);
    if (exit === undefined) {
      exit = waitForJobExit(
        {
          docker: this.docker,
          watcher: this.watcher,
          unschedulableTimeoutMs: this.settings.unschedulableTimeoutMs,
          localNodeId: () => this.api.localNodeId(),
          impossibleReason: () => this.impossibleReason(id),
          removeService: () => this.api.removeService(id),
          isStopped: () => this.stoppedByUs.has(id),
        },
        id,
      ).catch((error: unknown) => {
        // A failed wait may be retried: do not cache the rejection.
        this.exits.delete(id);
        throw toOrchestratorError(error, `waiting for job ${handle.id}`, this.api.endpoint);
      });
      this.exits.set(id, exit);
    }
    return exit;
  }

  /**
   * A task running on this node is stopped through its container: the image's stop signal, then
   * SIGKILL after `graceMs` (rounded up to whole seconds, Docker's unit); the service stays until
   * `remove` so `wait` still reads the exit. A task not started yet, or on another node, is
   * stopped by removing its service (Swarm then applies the service's StopGracePeriod). A job
   * that already finished is left alone, so it is not reported as killed.
   */
  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    const id = handle.backendId;
    if (id === '') return;
    const { task, gone } = await this.api.call(`stopping job ${handle.id}`, () =>
      this.watcher.snapshot(id),
    );
    if (gone || (task !== undefined && isTerminal(task))) return;
    this.stoppedByUs.add(id);
    let stopped = false;
    if (task?.containerId !== undefined && task.nodeId === (await this.api.localNodeId())) {
      stopped = await this.api.stopContainer(task.containerId, options.graceMs);
    }
    if (!stopped) await this.api.removeService(id);
    const bound = AbortSignal.timeout(options.graceMs + this.settings.stopGraceMs + 10_000);
    await this.watcher
      .until(id, (s) => s.gone || (s.task !== undefined && isTerminal(s.task)), bound)
      .catch(() => undefined);
  }

  async remove(handle: JobHandle): Promise<void> {
    if (handle.backendId !== '') {
      await this.api.removeService(handle.backendId);
      await this.api.removeTaskContainers([`${SERVICE_ID_LABEL}=${handle.backendId}`]);
    }
    this.exits.delete(handle.backendId);
    this.stoppedByUs.delete(handle.backendId);
  }

  async cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    const services = await this.api.listServices({ runId: run.runId });
    await Promise.all(services.map((service) => this.api.removeService(service.ID)));
    await this.api.removeTaskContainers([
      `${JobLabel.managed}=true`,
      `${JobLabel.runId}=${run.runId}`,
    ]);
    if (options.keepWorkspace) return;
    await this.api.removeVolume(workspaceVolumeName(workspaceOwner(run)));
  }

  async reattach(selector: ReattachSelector): Promise<JobHandle[]> {
    const services = await this.api.listServices(selector);
    return services.map((service) => {
      const labels = service.Spec?.Labels ?? {};
      return {
        id: labels[JobLabel.jobId] ?? service.Spec?.Name ?? service.ID,
        runId: labels[JobLabel.runId] ?? '',
        backendId: service.ID,
        labels,
      };
    });
  }

  /** Why the service's reservations fit no node now, from its spec (also after a restart). */
  private async impossibleReason(serviceId: string): Promise<string | undefined> {
    const spec = await this.api.serviceSpec(serviceId);
    const task = spec?.TaskTemplate as Dockerode.ContainerTaskSpec | undefined;
    const reservations = task?.Resources?.Reservations;
    if (reservations === undefined) return undefined;
    return unschedulableReason(reservations, await this.api.nodes());
  }
}
