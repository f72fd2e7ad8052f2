import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { containerCreateOptions, labels } from './container-spec.js';
import type { DockerRuntime } from './docker-runtime.js';
import { demuxBuffer, latestAttempts } from './docker-runtime.js';
import type { KubeClient } from './kube-client.js';
import { isStatus } from './kube-client.js';
import type { Container, ContainerStatus, Pod, PodStatus } from './kube-types.js';
import { fetchEnvSources } from './env-sources.js';
import { MissingImages, waiting } from './missing-images.js';
import { containerState, podStatus } from './pod-status.js';
import { preparePodVolumes, removePodDir } from './pod-volumes.js';
import {
  cutLogTail,
  fallbackLines,
  fallsBackToLogs,
  prepareTerminationFile,
  readTerminationFile,
  terminationFile,
} from './termination-message.js';

/** What a {@link PodWorker} works with; one per agent, shared by all workers. */
export interface PodWorkerContext {
  readonly client: KubeClient;
  readonly runtime: DockerRuntime;
  readonly nodeName: string;
  /** Host directory for pods' own files (emptyDirs, projected volumes). */
  readonly stateDir: string;
  log(message: string): void;
}

/** The statuses of a pod's init and app containers, in spec order. */
interface Observed {
  init: ContainerStatus[];
  main: ContainerStatus[];
  /** An init container failed and will not run again: the pod has failed. */
  initFailed: boolean;
}

/** How long a container of a restarting pod waits before it runs again, by restarts so far. */
const restartBackoffMs = (restarts: number): number => Math.min(10_000 * 2 ** restarts, 300_000);

/**
 * Keeps one pod's containers and its `pods/status` in step with the Pod object, the way the
 * kubelet's pod worker does. Every change (a watch event, a Docker event, a timer) calls
 * {@link PodWorker.kick}; reconciles of one pod never overlap, and each one starts from what
 * Docker has now (found by the pod-uid label), so a restarted agent picks up where the last one
 * left off and never runs a finished container again.
 *
 * Lifecycle: `update(pod)` on every ADDED/MODIFIED event; `gone()` when the Pod object was
 * deleted (its containers and files are then removed); {@link PodWorker.finished} tells the agent
 * it can forget the worker.
 */
export class PodWorker {
  private pod: Pod;
  private deleted = false;
  /** True once the pod's containers and files were removed after deletion. */
  finished = false;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private volumes: Map<string, string> | undefined;
  private readonly images = new MissingImages();
  private deadlineExceeded = false;
  private deletionHandled = false;
  private startTime: string | undefined;
  private lastWritten = '';

  constructor(
    pod: Pod,
    private readonly context: PodWorkerContext,
  ) {
    this.pod = pod;
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  /** The newest Pod object from the watch. */
  update(pod: Pod): void {
    this.pod = pod;
    this.kick();
  }

  /** The Pod object is gone from the API server: remove its containers and files. */
  gone(): void {
    this.deleted = true;
    this.kick();
  }

  /** Runs a reconcile (or one more after the current one). */
  kick(): void {
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no reconcile is running (for a clean stop). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** Cancels the worker's timer (the agent is stopping; containers are left running). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.reconcile();
      } catch (error) {
        this.context.log(`pod ${this.describe()}: ${(error as Error).message}`);
        this.wakeIn(2_000);
      }
    } while (this.again);
  }

  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.kick();
    }, ms);
    this.timer.unref();
  }

  private describe(): string {
    return `${this.pod.metadata.namespace ?? 'default'}/${this.pod.metadata.name}`;
  }

  private async reconcile(): Promise<void> {
    if (this.finished) return;
    const { runtime } = this.context;
    const pod = this.pod;
    const infos = await runtime.list(pod.metadata.uid);
    if (this.deleted) {
      await Promise.all(infos.map((info) => runtime.remove(info.Id)));
      await removePodDir(this.context.stateDir, pod.metadata.uid);
      this.stop();
      this.finished = true;
      return;
    }
    if (this.deletionHandled) return;
    this.startTime ??= pod.status?.startTime ?? new Date().toISOString();
    const latest = latestAttempts(infos);
    await this.pruneAttempts(infos, latest);

    if (pod.metadata.deletionTimestamp !== undefined) {
      await this.terminate(pod, latest, pod.metadata.deletionGracePeriodSeconds);
      await this.writeStatus(pod, await this.observe(pod, latest, false), true);
      await this.deletePodObject(pod);
      this.deletionHandled = true;
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      // Terminal: nothing runs again, but late facts still count (Docker may report an OOM kill
      // just after the container's exit), so the statuses are refreshed, never the phase regressed.
      if (pod.status?.reason === 'DeadlineExceeded') this.deadlineExceeded = true;
      if (pod.spec.containers.every((container) => latest.has(container.name))) {
        await this.writeStatus(pod, await this.observe(pod, latest, false), false, phase);
      }
      return;
    }

    const deadline = pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      const deadlineAt = Date.parse(this.startTime) + deadline * 1000;
      if (Date.now() >= deadlineAt) {
        this.context.log(`pod ${this.describe()}: active deadline of ${deadline}s exceeded`);
        await this.terminate(pod, latest, undefined);
        this.deadlineExceeded = true;
        await this.writeStatus(pod, await this.observe(pod, latest, false), false);
        return;
      }
      this.wakeIn(deadlineAt - Date.now());
    }
    await this.writeStatus(pod, await this.observe(pod, latest, true), false);
  }

  /** Removes runs older than the one before the newest, as the kubelet keeps one previous run. */
  private async pruneAttempts(
    infos: ContainerInspectInfo[],
    latest: Map<string, ContainerInspectInfo>,
  ): Promise<void> {
    const attempt = (info: ContainerInspectInfo): number =>
      Number(info.Config.Labels[labels.attempt] ?? '0');
    for (const info of infos) {
      const newest = latest.get(info.Config.Labels[labels.container] ?? '');
      if (newest !== undefined && attempt(info) < attempt(newest) - 1)
        await this.context.runtime.remove(info.Id);
    }
  }

  /** Stops every running container: SIGTERM, SIGKILL after the grace period. */
  private async terminate(
    pod: Pod,
    latest: Map<string, ContainerInspectInfo>,
    grace: number | undefined,
  ): Promise<void> {
    const seconds = grace ?? pod.spec.terminationGracePeriodSeconds ?? 30;
    await Promise.all(
      [...latest.values()]
        .filter((info) => info.State.Running || info.State.Status === 'created')
        .map((info) => this.context.runtime.stop(info.Id, seconds)),
    );
    for (const [name, info] of latest)
      latest.set(name, await this.context.runtime.inspect(info.Id));
  }

  /**
   * Each spec container's status; with `act`, starts what should run (creating, restarting).
   * Init containers run first, one at a time, each to exit 0; the app containers wait
   * (`PodInitializing`) until all have; a failed one fails the pod under restartPolicy Never.
   */
  private async observe(
    pod: Pod,
    latest: Map<string, ContainerInspectInfo>,
    act: boolean,
  ): Promise<Observed> {
    if (act && this.volumes === undefined) {
      try {
        this.volumes = await preparePodVolumes(this.context.client, this.context.stateDir, pod);
      } catch (error) {
        this.wakeIn(2_000); // a claim may be bound in a moment
        const message = (error as Error).message;
        return {
          init: (pod.spec.initContainers ?? []).map((c) =>
            waiting(c, 'CreateContainerConfigError', message),
          ),
          main: pod.spec.containers.map((c) => waiting(c, 'CreateContainerConfigError', message)),
          initFailed: false,
        };
      }
    }
    const init: ContainerStatus[] = [];
    let initialized = true;
    let initFailed = false;
    for (const container of pod.spec.initContainers ?? []) {
      let info = latest.get(container.name);
      if (act && initialized) {
        const outcome = await this.act(pod, container, info, true);
        if ('status' in outcome) {
          init.push(outcome.status);
          initialized = false;
          continue;
        }
        info = outcome.info;
      }
      const status =
        info === undefined
          ? waiting(container, 'PodInitializing')
          : await this.toStatus(pod, container, info);
      init.push(status);
      const exitCode = 'terminated' in status.state ? status.state.terminated.exitCode : undefined;
      if (initialized && exitCode !== 0) {
        initialized = false;
        initFailed = exitCode !== undefined && (pod.spec.restartPolicy ?? 'Always') === 'Never';
      }
    }
    if (!initialized) {
      return {
        init,
        main: pod.spec.containers.map((c) => waiting(c, 'PodInitializing')),
        initFailed,
      };
    }
    const statuses: ContainerStatus[] = [];
    for (const container of pod.spec.containers) {
      let info = latest.get(container.name);
      if (act) {
        const outcome = await this.act(pod, container, info, false);
        if ('status' in outcome) {
          statuses.push(outcome.status);
          continue;
        }
        info = outcome.info;
      }
      statuses.push(
        info === undefined
          ? waiting(container, 'ContainerCreating')
          : await this.toStatus(pod, container, info),
      );
    }
    return { init, main: statuses, initFailed: false };
  }

  /** Creates/starts/restarts one container as needed; a status when it cannot run (yet). */
  private async act(
    pod: Pod,
    container: Container,
    info: ContainerInspectInfo | undefined,
    isInit: boolean,
  ): Promise<{ info: ContainerInspectInfo | undefined } | { status: ContainerStatus }> {
    if (info === undefined) return this.firstRun(pod, container, 0);
    if (info.State.Status === 'created') {
      // Created by an agent run that died before starting it.
      return { info: await this.startAndInspect(info.Id) };
    }
    const exitCode = info.State.Running ? undefined : info.State.ExitCode;
    const policy = pod.spec.restartPolicy ?? 'Always';
    // Init containers run again only after a failure (and never under Never).
    const restart =
      exitCode !== undefined &&
      (isInit
        ? exitCode !== 0 && policy !== 'Never'
        : policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0));
    if (!restart) return { info };
    const attempt = Number(info.Config.Labels[labels.attempt] ?? '0');
    const restartAt = Date.parse(info.State.FinishedAt) + restartBackoffMs(attempt);
    if (Date.now() < restartAt) {
      this.wakeIn(restartAt - Date.now());
      return { info };
    }
    // The exited run stays (for `previous` logs) until the one after this has ended too.
    return this.firstRun(pod, container, attempt + 1);
  }

  private async firstRun(
    pod: Pod,
    container: Container,
    attempt: number,
  ): Promise<{ info: ContainerInspectInfo } | { status: ContainerStatus }> {
    const { runtime, nodeName } = this.context;
    const missing = await this.images.check(container, runtime, nodeName, (ms) => this.wakeIn(ms));
    if (missing !== undefined) return { status: missing };
    let options: ContainerCreateOptions;
    try {
      // Config problems (a missing ConfigMap/Secret, a bad quantity) are the pod's, not Docker's.
      const namespace = pod.metadata.namespace ?? 'default';
      const envSources = await fetchEnvSources(this.context.client, namespace, container);
      const file = terminationFile(
        this.context.stateDir,
        pod.metadata.uid,
        container.name,
        attempt,
      );
      const volumes = this.volumes ?? new Map<string, string>();
      options = containerCreateOptions(pod, container, {
        nodeName,
        volumes,
        attempt,
        terminationFile: file,
        envSources,
      });
      await prepareTerminationFile(file);
    } catch (error) {
      this.wakeIn(5_000);
      return { status: waiting(container, 'CreateContainerConfigError', (error as Error).message) };
    }
    let id: string;
    try {
      id = await runtime.create(options);
    } catch (error) {
      this.wakeIn(5_000);
      return { status: waiting(container, 'CreateContainerError', (error as Error).message) };
    }
    this.context.log(
      `pod ${this.describe()}: started container ${container.name} (attempt ${attempt})`,
    );
    return { info: await this.startAndInspect(id) };
  }

  /** A container's status; a terminated one carries its termination message, as on a kubelet. */
  private async toStatus(
    pod: Pod,
    container: Container,
    info: ContainerInspectInfo,
  ): Promise<ContainerStatus> {
    const running = info.State.Running;
    const attempt = Number(info.Config.Labels[labels.attempt] ?? '0');
    const state = containerState(info);
    if ('terminated' in state && state.terminated.reason !== 'StartError') {
      const file = terminationFile(
        this.context.stateDir,
        pod.metadata.uid,
        container.name,
        attempt,
      );
      let message = await readTerminationFile(file);
      if (fallsBackToLogs(container, message, state.terminated.exitCode)) {
        const log = await this.context.runtime.docker
          .getContainer(info.Id)
          .logs({ stdout: true, stderr: true, follow: false, tail: fallbackLines });
        message = cutLogTail(demuxBuffer(log).toString('utf8'));
      }
      if (message !== '') state.terminated.message = message;
    }
    return {
      name: container.name,
      image: container.image,
      imageID: info.Image,
      containerID: `docker://${info.Id}`,
      ready: running,
      started: running,
      restartCount: attempt,
      state,
    };
  }

  /**
   * The address to report, once (it is never changed afterwards): 127.0.0.1 with hostNetwork,
   * else the Docker address of the pod's first running container, when it has one (an engine
   * started with `--bridge=none`, as on the test machines, gives none: no podIP then).
   * Containers of one pod do not share a network namespace here.
   */
  private async podIP(pod: Pod, containers: ContainerStatus[]): Promise<string | undefined> {
    if (pod.spec.hostNetwork === true) return '127.0.0.1';
    const running = containers.find(
      (status) => 'running' in status.state && status.containerID !== undefined,
    );
    if (running?.containerID === undefined) return undefined;
    const info = await this.context.runtime.inspect(
      running.containerID.replace(/^docker:\/\//, ''),
    );
    const address = Object.values(info.NetworkSettings.Networks).find(
      (network) => network.IPAddress !== '',
    )?.IPAddress;
    return address === undefined || address === '' ? undefined : address;
  }

  private async startAndInspect(id: string): Promise<ContainerInspectInfo> {
    try {
      await this.context.runtime.start(id);
    } catch {
      // The inspect below shows the start error (State.Error): reported as StartError.
    }
    return this.context.runtime.inspect(id);
  }

  private async writeStatus(
    pod: Pod,
    observed: Observed,
    deleting: boolean,
    terminalPhase?: 'Succeeded' | 'Failed',
  ): Promise<void> {
    const containers = observed.main;
    const podIP = pod.status?.podIP ?? (await this.podIP(pod, containers));
    const status: PodStatus = podStatus(pod, containers, {
      startTime: this.startTime ?? new Date().toISOString(),
      deadlineExceeded: this.deadlineExceeded,
      now: new Date().toISOString(),
      ...(podIP === undefined ? {} : { podIP }),
      ...(pod.spec.initContainers === undefined
        ? {}
        : { initContainers: observed.init, initFailed: observed.initFailed }),
    });
    if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') {
      // A deleted pod ends terminal, as with the kubelet: Succeeded only when everything exited 0.
      const allZero = containers.every(
        (c) => 'terminated' in c.state && c.state.terminated.exitCode === 0,
      );
      status.phase = allZero ? 'Succeeded' : 'Failed';
    }
    if (terminalPhase !== undefined) status.phase = terminalPhase;
    const body = JSON.stringify(status);
    if (body === this.lastWritten) return;
    const ns = pod.metadata.namespace ?? 'default';
    try {
      await this.context.client.request(
        'PATCH',
        `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/status`,
        // The uid makes the patch fail (422, uid is immutable) on a new pod of the same name.
        { metadata: { uid: pod.metadata.uid }, status },
        'merge',
      );
      this.lastWritten = body;
    } catch (error) {
      // Gone, or replaced by a pod of the same name: this pod's status has no home any more.
      if (!isStatus(error, 404) && !isStatus(error, 422)) throw error;
    }
  }

  /** The last step of a deletion: with grace 0 the API server removes the object. */
  private async deletePodObject(pod: Pod): Promise<void> {
    const ns = pod.metadata.namespace ?? 'default';
    try {
      await this.context.client.request(
        'DELETE',
        `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`,
        {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        },
      );
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
    }
  }
}
