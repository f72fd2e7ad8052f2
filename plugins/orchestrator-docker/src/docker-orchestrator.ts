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
import { BackgroundRemovals } from './background-removals.js';
import { waitForExit } from './container-exit.js';
import { containerCreateOptions, containerName, workspaceVolumeName } from './container-spec.js';
import { DockerErrorCode, dockerStatus, isNotFound, toOrchestratorError } from './docker-errors.js';
import {
  createJobContainer,
  isContainerGone,
  isContainerRef,
  listJobContainers,
  removeContainer,
  removeRunObjects,
  removeVolume,
} from './docker-objects.js';
import { createDockerClient, pingDocker, resolveOptions } from './docker-options.js';
import type { DockerOrchestratorOptions, ResolvedDockerOptions } from './docker-options.js';
import { ImageProvider } from './image/image-provider.js';
import { finishInterruptedStart } from './interrupted-start.js';
import { containerLogSource } from './logs/container-log-source.js';
import { followContainerLogs } from './logs/follow-container-logs.js';
import { DockerLogStreamError } from './logs/read-log-stream.js';
import { seedOutputFile } from './output/output-file.js';
import { OutputVolumePool, ROLE_LABEL, SEEDER_ROLE } from './output/output-volume-pool.js';
import { StopNotices } from './stop-notices.js';

/**
 * An {@link Orchestrator} that runs each job attempt as one Docker container (dockerode) and each
 * run's workspace as one named volume. See the package README for the full mapping.
 *
 * Per-handle state kept in memory (who was stopped by us, the shared `wait` promise, background
 * removals, pooled output volumes) is lost on restart: a re-attached job that was stopped by a
 * previous process reports `exited` with Docker's exit code (137/143) instead of `killed`, and
 * what a removal left is removed by the run's `cleanup`.
 */
export function createDockerOrchestrator(options: DockerOrchestratorOptions = {}): Orchestrator {
  return new DockerOrchestrator(options);
}

class DockerOrchestrator implements Orchestrator {
  readonly name = 'docker';
  readonly capabilities: OrchestratorCapabilities;
  private readonly docker: Dockerode;
  private readonly endpoint: string;
  private readonly settings: ResolvedDockerOptions;
  private readonly images: ImageProvider;
  private readonly runLabels = new Map<string, Readonly<Record<string, string>>>();
  private readonly stoppedByUs = new Set<string>();
  private readonly exits = new Map<string, Promise<JobExit>>();
  private readonly removals = new BackgroundRemovals();
  private readonly stops = new StopNotices();
  private readonly outputs: OutputVolumePool;
  /** Pooled output volume of each container started by this instance, removed after it. */
  private readonly outputVolumes = new Map<string, string>();
  private hostCpus: Promise<number | undefined> | undefined;

  constructor(options: DockerOrchestratorOptions) {
    ({ docker: this.docker, endpoint: this.endpoint } = createDockerClient(options));
    this.settings = resolveOptions(options);
    this.images = new ImageProvider(
      this.docker,
      this.settings.pullPolicy,
      this.settings.registryAuth,
      this.endpoint,
    );
    this.outputs = new OutputVolumePool(this.docker);
    this.capabilities = {
      images: true,
      memoryLimit: true,
      cpuLimit: true,
      isolation: true,
      reattach: true,
      network: this.settings.network !== 'none',
    };
  }

  isAvailable(): Promise<Availability> {
    return pingDocker(this.docker, this.endpoint, this.settings.pingTimeoutMs);
  }

  async prepare(run: RunContext): Promise<void> {
    this.runLabels.set(run.runId, run.labels);
    const name = workspaceVolumeName(workspaceOwner(run));
    try {
      // Creating a volume that exists returns it unchanged: prepare is idempotent.
      await this.docker.createVolume({
        Name: name,
        Labels: { ...run.labels, [JobLabel.managed]: 'true', [JobLabel.runId]: run.runId },
      });
    } catch (error) {
      throw toOrchestratorError(error, `creating workspace volume ${name}`, this.endpoint);
    }
  }

  async start(job: JobSpec): Promise<JobHandle> {
    if (job.image === undefined) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} has no image: the docker orchestrator runs containers, give the job an image`,
        'user',
      );
    }
    const image = job.image;
    await this.images.ensure(image);
    const hostCpus = job.resources.cpuLimitMillis === undefined ? undefined : await this.cpuCount();
    const runLabels = this.runLabels.get(job.runId);
    const outputVolume = this.outputs.take(job.runId, runLabels ?? {}, image);
    const create = containerCreateOptions(job, {
      workspaceVolume: workspaceVolumeName(workspaceOwner(job)),
      network: this.settings.network,
      stopGraceMs: this.settings.stopGraceMs,
      init: this.settings.init,
      ...(runLabels === undefined ? {} : { runLabels }),
      ...(hostCpus === undefined ? {} : { hostCpus }),
      ...(outputVolume === undefined ? {} : { outputVolume }),
    });
    const dropVolume = (): void => {
      if (outputVolume !== undefined)
        this.removals.schedule(outputVolume, job.runId, outputVolume, () =>
          removeVolume(this.docker, this.endpoint, outputVolume),
        );
    };
    let container: Dockerode.Container;
    try {
      // A container of this name still being removed (a job id reused) would fail the create.
      await this.removals.ofName(containerName(job.id));
      // The provider remembers images it found: one removed since must be ensured again.
      container = await createJobContainer(this.docker, create, job.image, this.endpoint, () => {
        this.images.forget(image);
        return this.images.ensure(image);
      });
    } catch (error) {
      dropVolume();
      throw error;
    }
    try {
      if (outputVolume === undefined) await seedOutputFile(container);
      await container.start();
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => undefined);
      dropVolume();
      throw toOrchestratorError(
        error,
        `starting container ${create.name ?? job.id} (image "${job.image}")`,
        this.endpoint,
        ErrorCode.jobStartFailed,
      );
    }
    if (outputVolume !== undefined) this.outputVolumes.set(container.id, outputVolume);
    return { id: job.id, runId: job.runId, backendId: container.id, labels: create.Labels ?? {} };
  }

  /**
   * Docker's logs endpoint reads the container's json-file log from the beginning, so lines
   * written before this call (even if the job already exited) are not lost: the container stays
   * until `remove`, which the engine calls only after `logs` has settled. The tail is re-read
   * once the container stopped (see `follow-container-logs.ts`).
   */
  async *logs(handle: JobHandle, options: LogOptions = {}): AsyncGenerator<LogChunk> {
    if (!isContainerRef(handle.backendId)) {
      throw new OrchestratorError(
        ErrorCode.jobNotFound,
        `job ${handle.id} has no container (never started)`,
      );
    }
    const source = containerLogSource(this.docker.getContainer(handle.backendId), (listener) =>
      this.stops.listen(handle.backendId, listener),
    );
    try {
      yield* followContainerLogs(source, options);
    } catch (error) {
      if (options.signal?.aborted === true) return;
      // Removed while we read (`docker rm -f` outside ContainerOps): its log went with it, and
      // the stream breaks in whatever way the removal hit it. That is the end of the log, not a
      // log failure: wait() says what happened to the job.
      if (isNotFound(error) || (await isContainerGone(this.docker.getContainer(handle.backendId))))
        return;
      const code =
        error instanceof DockerLogStreamError ? DockerErrorCode.logStreamFailed : undefined;
      throw toOrchestratorError(error, `reading logs of job ${handle.id}`, this.endpoint, code);
    }
  }

  wait(handle: JobHandle): Promise<JobExit> {
    if (!isContainerRef(handle.backendId)) {
      return Promise.resolve({
        exitCode: null,
        reason: 'error',
        message: `job ${handle.id} has no container (never started)`,
      });
    }
    let exit = this.exits.get(handle.backendId);
    if (exit === undefined) {
      const container = this.docker.getContainer(handle.backendId);
      const id = handle.backendId;
      // Not after remove(): nobody follows a removed container's log any more.
      const stopped = (): void => {
        if (this.exits.has(id)) this.stops.report(id);
      };
      exit = waitForExit(container, () => this.stoppedByUs.has(id), this.endpoint, stopped);
      this.exits.set(handle.backendId, exit);
      // A failed wait may be retried: do not cache the rejection.
      exit.catch(() => this.exits.delete(handle.backendId));
    }
    return exit;
  }

  /**
   * Docker's stop: the image's stop signal (SIGTERM by default), then SIGKILL after `t` seconds,
   * `graceMs` rounded up to whole seconds (Docker's unit). A container that is not running is
   * left alone, so a job that already finished is not reported as killed.
   */
  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    const id = handle.backendId;
    if (!isContainerRef(id)) return; // never started: nothing to stop
    const container = this.docker.getContainer(id);
    try {
      const info = await container.inspect();
      if (!info.State.Running) return;
      this.stoppedByUs.add(id);
      await container.stop({ t: Math.max(0, Math.ceil(options.graceMs / 1000)) });
    } catch (error) {
      const status = dockerStatus(error);
      if (status === 404 || status === 304) return;
      throw toOrchestratorError(error, `stopping job ${handle.id}`, this.endpoint);
    }
  }

  /**
   * Force-removes the container, its anonymous volumes and its pooled `$CO_OUTPUT` volume **in
   * the background**: returns at once, so the engine's next job does not wait for Docker's
   * removal (10-60 ms). Idempotent (one removal per
   * container however often it is called; gone or already being removed is fine). `cleanup()` of
   * the run awaits every removal still running and removes whatever a failed one left behind, so
   * errors surface there. `start()` of a job whose container name is still being removed waits
   * for that removal first.
   */
  remove(handle: JobHandle): Promise<void> {
    const id = handle.backendId;
    const volume = this.outputVolumes.get(id);
    this.outputVolumes.delete(id);
    if (isContainerRef(id)) {
      this.removals.schedule(id, handle.runId, containerName(handle.id), async () => {
        await removeContainer(this.docker, this.endpoint, id, handle.id);
        if (volume !== undefined) await removeVolume(this.docker, this.endpoint, volume);
      });
    }
    this.exits.delete(id);
    this.stoppedByUs.delete(id);
    this.stops.forget(id);
    return Promise.resolve();
  }

  /**
   * Awaits the run's background removals and output-volume refill, removes its leftover
   * containers (jobs and seeding helpers), its output volumes, then its workspace.
   */
  async cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    await this.removals.settled(run.runId);
    await this.outputs.close(run.runId);
    const workspace = options.keepWorkspace ? undefined : workspaceVolumeName(workspaceOwner(run));
    await removeRunObjects(this.docker, this.endpoint, run.runId, workspace);
    this.runLabels.delete(run.runId);
  }

  /**
   * Job containers of the selector, in any state. A `created` one is a `start()` an engine crash
   * cut short: it is started now (see `interrupted-start.ts`), so every handle returned refers
   * to a job that runs or ran; one removed meanwhile is left out.
   */
  async reattach(selector: ReattachSelector): Promise<JobHandle[]> {
    const containers = await listJobContainers(this.docker, selector, this.endpoint);
    const jobs = containers.filter((info) => info.Labels[ROLE_LABEL] !== SEEDER_ROLE);
    const present = await Promise.all(
      jobs.map((info) =>
        info.State === 'created'
          ? finishInterruptedStart(this.docker.getContainer(info.Id), this.endpoint)
          : true,
      ),
    );
    return jobs
      .filter((_, i) => present[i])
      .map((info) => ({
        id: info.Labels[JobLabel.jobId] ?? (info.Names[0] ?? '').replace(/^\/co-/, ''),
        runId: info.Labels[JobLabel.runId] ?? '',
        backendId: info.Id,
        labels: info.Labels,
      }));
  }

  /** The engine host's CPU count (to cap CPU limits); undefined when `info` fails. */
  private cpuCount(): Promise<number | undefined> {
    this.hostCpus ??= this.docker.info().then(
      (info: { NCPU?: unknown }) => (typeof info.NCPU === 'number' ? info.NCPU : undefined),
      () => {
        this.hostCpus = undefined;
        return undefined;
      },
    );
    return this.hostCpus;
  }
}
