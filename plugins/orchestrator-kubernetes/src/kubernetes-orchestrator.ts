import {
  ErrorCode,
  JobLabel,
  OrchestratorError,
  toLabelValue,
  workspaceOwner,
} from '@containerops/sdk';
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
import { KubeConfig } from '@kubernetes/client-node';
import type { V1Job } from '@kubernetes/client-node';
import { jobManifest, workspaceClaim } from './job-manifest.js';
import { imageProblem, jobState, schedulingProblem } from './job-status.js';
import { kubectlJobManifest, kubectlOptionProblem } from './kubectl-manifest.js';
import { KubeApi } from './kube-api.js';
import { kubeMessage } from './kube-errors.js';
import { loadKubeConfig, resolveKubernetesOptions } from './kubernetes-options.js';
import type {
  KubernetesOrchestratorOptions,
  ResolvedKubernetesOptions,
} from './kubernetes-options.js';
import { followPodLogs } from './logs/follow-pod-logs.js';
import type { LogStreamMode } from './logs/follow-pod-logs.js';
import { workflowNamespace, workspaceClaimName } from './names.js';
import { JobCache } from './watch/job-cache.js';
import type { JobObjects } from './watch/job-cache.js';

/** Annotation on the handle's labels naming the namespace of the job (handles must survive restarts). */
const NAMESPACE_KEY = 'containerops.namespace';

/** How long `start()` keeps waiting for a Pod the scheduler has not placed yet. */
const UNSCHEDULED_START_MS = 3_000;

/** How often a Pending job's clock is re-checked against `pendingTimeoutMs` without a change. */
const PENDING_RECHECK_MS = 1_000;

/**
 * The `kubernetes` {@link Orchestrator}: each job attempt is one `batch/v1` Job (one Pod, never
 * restarted), each run's workspace one PersistentVolumeClaim. Status comes from watches shared per
 * namespace, logs from `pods/log`. See the package README for the mapping.
 *
 * Who was stopped by us is kept in memory: after a restart, a job a previous process stopped
 * reports the exit Kubernetes recorded instead of `killed`.
 */
export function createKubernetesOrchestrator(
  options: KubernetesOrchestratorOptions = {},
): KubernetesOrchestrator {
  return new KubernetesOrchestrator(options);
}

export class KubernetesOrchestrator implements Orchestrator {
  readonly name = 'kubernetes';
  readonly capabilities: OrchestratorCapabilities = {
    images: true,
    memoryLimit: true,
    cpuLimit: true,
    isolation: true,
    reattach: true,
    network: true,
    // The 2017 format's `kubectl: <manifest>`: a Pod or Job manifest run as the job.
    jobOptions: ['kubectl'],
  };
  readonly api: KubeApi;
  private readonly settings: ResolvedKubernetesOptions;
  private readonly caches = new Map<string, JobCache>();
  private readonly stoppedByUs = new Set<string>();
  private readonly exits = new Map<string, Promise<JobExit>>();
  private readonly configError: unknown;
  /** `auto` until the API server's first answer to a split-stream log request settles it. */
  private streamMode: LogStreamMode;

  constructor(options: KubernetesOrchestratorOptions) {
    let kc: KubeConfig | undefined;
    let configError: unknown;
    try {
      kc = loadKubeConfig(options);
    } catch (error) {
      configError = error;
    }
    this.configError = configError;
    // A broken kubeconfig is reported by isAvailable() and every call, not thrown at creation.
    const config = kc ?? unreachableConfig();
    this.api = new KubeApi(config);
    this.settings = resolveKubernetesOptions(options, config);
    this.streamMode = this.settings.logStreams;
  }

  /** The namespace jobs of `workflow` run in. */
  namespaceOf(workflow: string): string {
    const prefix = this.settings.namespacePerWorkflow;
    return prefix === undefined ? this.settings.namespace : workflowNamespace(prefix, workflow);
  }

  /** The watch cache of a namespace (tests use it to drop the watches on purpose). */
  cache(namespace: string): JobCache {
    let cache = this.caches.get(namespace);
    if (cache === undefined) {
      cache = new JobCache(this.api, namespace);
      this.caches.set(namespace, cache);
    }
    return cache;
  }

  async isAvailable(): Promise<Availability> {
    if (this.configError !== undefined)
      return { available: false, reason: `no usable kubeconfig: ${kubeMessage(this.configError)}` };
    try {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer within ${this.settings.requestTimeoutMs} ms`)),
          this.settings.requestTimeoutMs,
        ).unref(),
      );
      await Promise.race([
        this.api.listJobs(this.settings.namespace, `${JobLabel.managed}=true`, 1),
        timeout,
      ]);
      return { available: true };
    } catch (error) {
      return {
        available: false,
        reason: `the Kubernetes API at ${this.api.server} cannot list Jobs in namespace ${this.settings.namespace}: ${kubeMessage(error)}`,
      };
    }
  }

  async prepare(run: RunContext): Promise<void> {
    this.checkConfig();
    const namespace = this.namespaceOf(run.workflow);
    await this.ensureNamespace(namespace);
    if (this.settings.workspace !== 'pvc') return;
    const name = workspaceClaimName(workspaceOwner(run));
    // A claim of the same name still being deleted (cleanup, then prepare again) must be gone
    // before the new one is created, or the create would find the dying one and do nothing.
    for (let waited = 0; ; waited += 200) {
      const existing = await this.api.readClaim(namespace, name);
      if (existing === undefined) break;
      if (existing.metadata?.deletionTimestamp === undefined) return;
      if (waited > 60_000)
        throw new OrchestratorError(
          ErrorCode.jobStartFailed,
          `workspace claim ${name} has been terminating for a minute; a Pod may still use it`,
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.api.createClaim(namespace, workspaceClaim(run, namespace, this.settings));
  }

  /** Checks `options.kubectl` (the manifest's text) before `start`; see `kubectl-manifest.ts`. */
  validateJobOptions(options: Readonly<Record<string, unknown>>): string | undefined {
    return options['kubectl'] === undefined ? undefined : kubectlOptionProblem(options['kubectl']);
  }

  async start(job: JobSpec): Promise<JobHandle> {
    this.checkConfig();
    const namespace = this.namespaceOf(job.workflow);
    const manifest = this.manifestOf(job, namespace);
    // The first container's image: the job's own, or the `kubectl` manifest's.
    const image = manifest.spec?.template.spec?.containers[0]?.image ?? '';
    const created = await this.api.createJob(namespace, manifest);
    // The watch shows the new Job a moment later; until then the cache must not call it gone.
    this.cache(namespace).observe(created);
    const handle = this.handleOf(created, namespace);
    if (this.settings.startCheckMs > 0) await this.checkImage(handle, image);
    return handle;
  }

  /** The Job of an attempt: from its `kubectl` manifest when it has one, else from its image. */
  private manifestOf(job: JobSpec, namespace: string): V1Job {
    const kubectl = job.options?.['kubectl'];
    if (typeof kubectl === 'string') {
      try {
        return kubectlJobManifest(job, kubectl, namespace, this.settings);
      } catch (error) {
        throw new OrchestratorError(
          ErrorCode.jobStartFailed,
          `job ${job.id}: ${(error as Error).message}`,
          'user',
        );
      }
    }
    if (job.image === undefined) {
      throw new OrchestratorError(
        ErrorCode.jobStartFailed,
        `job ${job.id} has no image: the kubernetes orchestrator runs Jobs of images, give the job an image`,
        'user',
      );
    }
    return jobManifest(job, job.image, namespace, this.settings);
  }

  /**
   * Waits (bounded by `startCheckMs`) until the Pod's container has started, its image cannot be
   * pulled, or the scheduler has said it cannot place it yet; in the latter case the Job is deleted and `IMAGE_NOT_FOUND` thrown, the
   * error a missing image gives on every container backend.
   */
  private async checkImage(handle: JobHandle, image: string): Promise<void> {
    const name = handle.backendId;
    const cache = this.cache(this.namespaceOfHandle(handle));
    let objects: JobObjects;
    // The unscheduled spell is a matter of time: re-check it without waiting for an event.
    const ticker = setInterval(() => cache.poke(), 500);
    try {
      objects = await cache.until(
        name,
        (o) => {
          const state = o.pod?.status?.containerStatuses?.[0]?.state;
          return (
            state?.running !== undefined ||
            state?.terminated !== undefined ||
            imageProblem(o.pod) !== undefined ||
            // Not placed for a while: nothing to learn about the image before wait()'s Pending
            // limit. A short spell is normal (a new workspace claim not bound yet).
            (schedulingProblem(o.pod) !== undefined &&
              Date.now() - new Date(o.pod?.metadata?.creationTimestamp ?? 0).getTime() >=
                UNSCHEDULED_START_MS) ||
            o.job === undefined
          );
        },
        AbortSignal.timeout(this.settings.startCheckMs),
      );
    } catch {
      return; // Still pending (scheduling, pulling): wait() follows it from here.
    } finally {
      clearInterval(ticker);
    }
    const problem = imageProblem(objects.pod);
    if (problem === undefined) return;
    await this.api.deleteJob(cache.namespace, name);
    throw new OrchestratorError(
      ErrorCode.imageNotFound,
      `cannot start job ${handle.id}: ${problem}`,
      'user',
      {
        details: { image },
      },
    );
  }

  async *logs(handle: JobHandle, options: LogOptions = {}): AsyncGenerator<LogChunk> {
    if (handle.backendId === '') return;
    const cache = this.cache(this.namespaceOfHandle(handle));
    yield* followPodLogs(
      {
        api: this.api,
        cache,
        streamMode: () => this.streamMode,
        settleStreamMode: (mode) => {
          if (this.streamMode === 'auto') this.streamMode = mode;
        },
        isStopped: () => this.stoppedByUs.has(this.key(handle)),
        neverRan: (objects) => this.stateOf(handle, objects).kind === 'done',
      },
      handle.backendId,
      options,
    );
  }

  wait(handle: JobHandle): Promise<JobExit> {
    const key = this.key(handle);
    let exit = this.exits.get(key);
    if (exit === undefined) {
      exit = this.waitForExit(handle).catch((error: unknown) => {
        this.exits.delete(key);
        throw error;
      });
      this.exits.set(key, exit);
    }
    return exit;
  }

  private async waitForExit(handle: JobHandle): Promise<JobExit> {
    if (handle.backendId === '')
      return { exitCode: null, reason: 'error', message: 'the job was never created' };
    const cache = this.cache(this.namespaceOfHandle(handle));
    // The Pending limit is a matter of time, not of events: re-check it while the job waits.
    const ticker = setInterval(() => cache.poke(), PENDING_RECHECK_MS);
    try {
      for (;;) {
        const objects = await cache.until(
          handle.backendId,
          (o) => this.stateOf(handle, o).kind === 'done',
        );
        // "Gone" from the cache may only mean "not shown yet" (a Job created or re-attached
        // while the watch was (re)starting): ask the API server before believing it.
        if (objects.job === undefined && (await this.confirmJob(cache, handle.backendId))) continue;
        const state = this.stateOf(handle, objects);
        if (state.kind !== 'done') continue;
        // A job that failed without running must not start later (a Pod scheduled after all).
        if (state.exit.reason === 'error' && objects.job !== undefined)
          await this.api.deleteJob(cache.namespace, handle.backendId);
        return state.exit;
      }
    } finally {
      clearInterval(ticker);
    }
  }

  /** True when the Job exists after all (now recorded in the cache), false when it is gone. */
  private async confirmJob(cache: JobCache, name: string): Promise<boolean> {
    const job = await this.api.readJob(cache.namespace, name);
    if (job === undefined) return false;
    cache.observe(job);
    return true;
  }

  private stateOf(handle: JobHandle, objects: JobObjects) {
    return jobState({
      ...objects,
      stoppedByUs: this.stoppedByUs.has(this.key(handle)),
      now: Date.now(),
      pendingTimeoutMs: this.settings.pendingTimeoutMs,
    });
  }

  /**
   * Deletes the Job (background propagation: Kubernetes then deletes its Pod) and the Pod itself
   * with `graceMs` as its grace period, so the container gets SIGTERM and, `graceMs` later,
   * SIGKILL. A job that already ended is left alone, so it is not reported as killed. Waits
   * (bounded) until the container has ended or the Pod is gone.
   */
  async stop(handle: JobHandle, options: StopOptions): Promise<void> {
    if (handle.backendId === '') return;
    const cache = this.cache(this.namespaceOfHandle(handle));
    const bound = AbortSignal.timeout(this.settings.requestTimeoutMs);
    const objects = await cache
      .until(handle.backendId, () => true, bound)
      .catch(() => cache.get(handle.backendId));
    if (objects.job === undefined && !(await this.confirmJob(cache, handle.backendId))) {
      // Gone already: only its Pod may still be ending (the Job deleted by remove or by someone else).
      if (objects.pod === undefined) return;
    }
    const current = cache.get(handle.backendId);
    if (this.stateOf(handle, current).kind === 'done' && !this.stoppedByUs.has(this.key(handle)))
      return;
    this.stoppedByUs.add(this.key(handle));
    await this.api.deleteJob(cache.namespace, handle.backendId);
    const podName = current.pod?.metadata?.name;
    if (podName !== undefined)
      await this.api.deletePod(
        cache.namespace,
        podName,
        Math.max(1, Math.ceil(options.graceMs / 1000)),
      );
    await cache
      .until(
        handle.backendId,
        (o) => this.stateOf(handle, o).kind === 'done',
        AbortSignal.timeout(options.graceMs + this.settings.stopGraceMs + 10_000),
      )
      .catch(() => undefined);
  }

  async remove(handle: JobHandle): Promise<void> {
    if (handle.backendId !== '') {
      const namespace = this.namespaceOfHandle(handle);
      await this.api.deleteJob(namespace, handle.backendId);
      this.cache(namespace).forget(handle.backendId);
    }
    this.exits.delete(this.key(handle));
    this.stoppedByUs.delete(this.key(handle));
  }

  async cleanup(run: RunContext, options: CleanupOptions): Promise<void> {
    this.checkConfig();
    const namespace = this.namespaceOf(run.workflow);
    const jobs = await this.listRunJobs(namespace, { runId: run.runId });
    await Promise.all(jobs.map((job) => this.api.deleteJob(namespace, job.metadata?.name ?? '')));
    if (options.keepWorkspace || this.settings.workspace !== 'pvc') return;
    await this.api.deleteClaim(namespace, workspaceClaimName(workspaceOwner(run)));
  }

  async reattach(selector: ReattachSelector): Promise<JobHandle[]> {
    this.checkConfig();
    if (this.settings.namespacePerWorkflow === undefined) {
      const namespace = this.settings.namespace;
      return (await this.listRunJobs(namespace, selector)).map((job) =>
        this.handleOf(job, namespace),
      );
    }
    // One namespace per workflow: the run's workflow is not in the selector, so look everywhere.
    const jobs = await this.api.listJobsAllNamespaces(runSelector(selector));
    return jobs.map((job) =>
      this.handleOf(job, job.metadata?.namespace ?? this.settings.namespace),
    );
  }

  private listRunJobs(namespace: string, selector: ReattachSelector): Promise<V1Job[]> {
    return this.api.listJobs(namespace, runSelector(selector));
  }

  private handleOf(job: V1Job, namespace: string): JobHandle {
    const labels = job.metadata?.labels ?? {};
    return {
      id: labels[JobLabel.jobId] ?? job.metadata?.name ?? '',
      runId: labels[JobLabel.runId] ?? '',
      backendId: job.metadata?.name ?? '',
      labels: { ...labels, [NAMESPACE_KEY]: namespace },
    };
  }

  private namespaceOfHandle(handle: JobHandle): string {
    return handle.labels[NAMESPACE_KEY] ?? this.settings.namespace;
  }

  private key(handle: JobHandle): string {
    return `${this.namespaceOfHandle(handle)}/${handle.backendId}`;
  }

  private async ensureNamespace(namespace: string): Promise<void> {
    if (this.settings.namespacePerWorkflow === undefined || !this.settings.createNamespaces) return;
    if ((await this.api.readNamespace(namespace)) !== undefined) return;
    await this.api.createNamespace(namespace, { [JobLabel.managed]: 'true' });
  }

  private checkConfig(): void {
    if (this.configError !== undefined)
      throw new OrchestratorError(
        ErrorCode.orchestratorUnavailable,
        `kubernetes: no usable kubeconfig: ${kubeMessage(this.configError)}`,
        'user',
      );
  }
}

/** The label selector of a run's (or every run's) Jobs. */
function runSelector(selector: ReattachSelector): string {
  const labels: Record<string, string> = {
    ...selector.labels,
    [JobLabel.managed]: 'true',
    ...(selector.runId === undefined ? {} : { [JobLabel.runId]: toLabelValue(selector.runId) }),
  };
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** A kubeconfig pointing nowhere, standing in for one that could not be loaded. */
function unreachableConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
    users: [{ name: 'none' }],
    contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
    currentContext: 'none',
  });
  return kc;
}
