/**
 * The plugin's only door to the API server: one method per entry of `kubernetesApiCalls`, each
 * counted, with "already there" / "already gone" answers turned into success where the contract
 * wants idempotency.
 */
import type { Readable } from 'node:stream';
import { BatchV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import type {
  KubeConfig,
  V1Job,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Namespace,
} from '@kubernetes/client-node';
import { ApiCallCounter } from './api-calls.js';
import type { KubernetesApiCallName } from './api-calls.js';
import { isConflict, isNotFound, toOrchestratorError } from './kube-errors.js';
import { openPodLog, podLogUrl } from './logs/pod-log-request.js';
import type { PodLogQuery } from './logs/pod-log-request.js';
import type { WatchConnection, WatchEvent, WatchSource } from './watch/resumable-watch.js';

export class KubeApi {
  readonly calls = new ApiCallCounter();
  readonly server: string;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly openLogs = new Set<AbortController>();

  constructor(private readonly kc: KubeConfig) {
    this.server = kc.getCurrentCluster()?.server ?? '(no cluster in the kubeconfig)';
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
    this.watcher = new Watch(kc);
  }

  private async call<T>(
    name: KubernetesApiCallName,
    what: string,
    run: () => Promise<T>,
  ): Promise<T> {
    this.calls.record(name);
    try {
      return await run();
    } catch (error) {
      throw toOrchestratorError(error, what, this.server);
    }
  }

  /** Like `call`, but a 404 is an answer (undefined), not an error. */
  private async optional<T>(
    name: KubernetesApiCallName,
    what: string,
    run: () => Promise<T>,
  ): Promise<T | undefined> {
    this.calls.record(name);
    try {
      return await run();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toOrchestratorError(error, what, this.server);
    }
  }

  createJob(namespace: string, body: V1Job): Promise<V1Job> {
    return this.call('createJob', `creating Job ${body.metadata?.name ?? ''}`, () =>
      this.batch.createNamespacedJob({ namespace, body }),
    );
  }

  readJob(namespace: string, name: string): Promise<V1Job | undefined> {
    return this.optional('readJob', `reading Job ${name}`, () =>
      this.batch.readNamespacedJob({ name, namespace }),
    );
  }

  async listJobs(namespace: string, labelSelector: string, limit?: number): Promise<V1Job[]> {
    const list = await this.call('listJobs', `listing Jobs in ${namespace}`, () =>
      this.batch.listNamespacedJob({
        namespace,
        labelSelector,
        ...(limit === undefined ? {} : { limit }),
      }),
    );
    return list.items;
  }

  /** Jobs matching `labelSelector` in every namespace. */
  async listJobsAllNamespaces(labelSelector: string): Promise<V1Job[]> {
    const list = await this.call('listJobsAllNamespaces', 'listing Jobs in all namespaces', () =>
      this.batch.listJobForAllNamespaces({ labelSelector }),
    );
    return list.items;
  }

  /** Deletes a Job and (background propagation) its Pods; a missing Job is fine. */
  async deleteJob(namespace: string, name: string): Promise<void> {
    await this.optional('deleteJob', `deleting Job ${name}`, () =>
      this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }),
    );
  }

  /** Deletes a Pod with the given grace; a missing Pod is fine. */
  async deletePod(namespace: string, name: string, gracePeriodSeconds: number): Promise<void> {
    await this.optional('deletePod', `deleting Pod ${name}`, () =>
      this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds }),
    );
  }

  readClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined> {
    return this.optional('readClaim', `reading claim ${name}`, () =>
      this.core.readNamespacedPersistentVolumeClaim({ name, namespace }),
    );
  }

  /** Creates the claim; one that exists already is fine (prepare is idempotent). */
  async createClaim(namespace: string, body: V1PersistentVolumeClaim): Promise<void> {
    this.calls.record('createClaim');
    try {
      await this.core.createNamespacedPersistentVolumeClaim({ namespace, body });
    } catch (error) {
      if (isConflict(error)) return;
      throw toOrchestratorError(error, `creating claim ${body.metadata?.name ?? ''}`, this.server);
    }
  }

  async deleteClaim(namespace: string, name: string): Promise<void> {
    await this.optional('deleteClaim', `deleting claim ${name}`, () =>
      this.core.deleteNamespacedPersistentVolumeClaim({ name, namespace }),
    );
  }

  readNamespace(name: string): Promise<V1Namespace | undefined> {
    return this.optional('readNamespace', `reading namespace ${name}`, () =>
      this.core.readNamespace({ name }),
    );
  }

  async createNamespace(name: string, labels: Record<string, string>): Promise<void> {
    this.calls.record('createNamespace');
    try {
      await this.core.createNamespace({ body: { metadata: { name, labels } } });
    } catch (error) {
      if (isConflict(error)) return;
      throw toOrchestratorError(error, `creating namespace ${name}`, this.server);
    }
  }

  /** List-then-watch of the managed Jobs or Pods of a namespace. */
  watchSource<T extends V1Job | V1Pod>(
    kind: 'jobs' | 'pods',
    namespace: string,
    labelSelector: string,
  ): WatchSource<T> {
    const path =
      kind === 'jobs'
        ? `/apis/batch/v1/namespaces/${namespace}/jobs`
        : `/api/v1/namespaces/${namespace}/pods`;
    return {
      list: async () => {
        const list =
          kind === 'jobs'
            ? await this.call('listJobs', `listing Jobs in ${namespace}`, () =>
                this.batch.listNamespacedJob({ namespace, labelSelector }),
              )
            : await this.call('listPods', `listing Pods in ${namespace}`, () =>
                this.core.listNamespacedPod({ namespace, labelSelector }),
              );
        return {
          items: list.items as T[],
          resourceVersion: list.metadata?.resourceVersion ?? '',
        };
      },
      watch: async (
        resourceVersion: string,
        onEvent: (event: WatchEvent<T>) => void,
        onDone: (error?: unknown) => void,
      ): Promise<WatchConnection> => {
        this.calls.record(kind === 'jobs' ? 'watchJobs' : 'watchPods');
        const controller = await this.watcher.watch(
          path,
          { labelSelector, resourceVersion, allowWatchBookmarks: true },
          (type: string, object: T) => onEvent({ type, object }),
          (error: unknown) => onDone(error ?? undefined),
        );
        return { close: () => controller.abort() };
      },
    };
  }

  /**
   * Opens a Pod's container log (with timestamps) as a byte stream; `signal` closes it. Rejects
   * with the API server's status (a `PodLogError`, not wrapped: callers decide what a 422 or a
   * 5xx means for them).
   */
  async podLog(
    namespace: string,
    pod: string,
    query: PodLogQuery,
    signal: AbortSignal,
  ): Promise<Readable> {
    this.calls.record('readPodLog');
    // Our own controller beside the caller's, so interruptLogs() can cut it like a network drop.
    const drop = new AbortController();
    const onAbort = (): void => drop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.openLogs.add(drop);
    const release = (): void => {
      this.openLogs.delete(drop);
      signal.removeEventListener('abort', onAbort);
    };
    try {
      const body = await openPodLog(
        this.kc,
        podLogUrl(this.server, namespace, pod, query),
        drop.signal,
      );
      body.once('close', release);
      return body;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Cuts every open log connection as a network failure would (tests: the follow must resume). */
  interruptLogs(): void {
    for (const drop of this.openLogs) drop.abort(new Error('log connection interrupted'));
  }
}
