/**
 * Every Kubernetes API call this plugin makes, in one place: `KubeApi` can only make a call
 * listed here (its methods name their entry), so this list is what a Role for the plugin must
 * grant, and a test can check a Role against it. All calls are namespaced except those marked
 * `cluster` (only with `namespacePerWorkflow`).
 */

/** One kind of call: the RBAC verb, API group (`''` = core), resource and subresource. */
export interface KubernetesApiCall {
  readonly verb: 'get' | 'list' | 'watch' | 'create' | 'delete';
  readonly group: '' | 'batch';
  readonly resource: 'jobs' | 'pods' | 'persistentvolumeclaims' | 'namespaces';
  readonly subresource?: 'log';
  /** Cluster-wide (a ClusterRole), not in one namespace. */
  readonly cluster?: true;
  /** What the plugin uses it for. */
  readonly why: string;
}

export const kubernetesApiCalls = {
  createJob: { verb: 'create', group: 'batch', resource: 'jobs', why: 'start a job attempt' },
  readJob: {
    verb: 'get',
    group: 'batch',
    resource: 'jobs',
    why: 'confirm a Job the watch cache does not show (yet) before calling it gone',
  },
  listJobs: {
    verb: 'list',
    group: 'batch',
    resource: 'jobs',
    why: 'reattach, cleanup, availability check, the watch cache',
  },
  listJobsAllNamespaces: {
    verb: 'list',
    group: 'batch',
    resource: 'jobs',
    cluster: true,
    why: "reattach with namespacePerWorkflow: the run's Jobs in whichever namespace",
  },
  watchJobs: { verb: 'watch', group: 'batch', resource: 'jobs', why: 'job status for wait()' },
  deleteJob: {
    verb: 'delete',
    group: 'batch',
    resource: 'jobs',
    why: 'stop (background propagation), remove, cleanup',
  },
  listPods: { verb: 'list', group: '', resource: 'pods', why: 'the watch cache' },
  watchPods: { verb: 'watch', group: '', resource: 'pods', why: 'container state for wait()' },
  deletePod: {
    verb: 'delete',
    group: '',
    resource: 'pods',
    why: 'stop with the grace the engine asks for',
  },
  readPodLog: {
    verb: 'get',
    group: '',
    resource: 'pods',
    subresource: 'log',
    why: "follow a job's output",
  },
  readClaim: {
    verb: 'get',
    group: '',
    resource: 'persistentvolumeclaims',
    why: 'prepare: is the workspace there, or still being deleted',
  },
  createClaim: {
    verb: 'create',
    group: '',
    resource: 'persistentvolumeclaims',
    why: 'prepare: the run workspace',
  },
  deleteClaim: {
    verb: 'delete',
    group: '',
    resource: 'persistentvolumeclaims',
    why: 'cleanup: the run workspace',
  },
  readNamespace: {
    verb: 'get',
    cluster: true,
    group: '',
    resource: 'namespaces',
    why: 'namespacePerWorkflow: does the namespace exist',
  },
  createNamespace: {
    verb: 'create',
    cluster: true,
    group: '',
    resource: 'namespaces',
    why: 'namespacePerWorkflow with createNamespaces',
  },
} as const satisfies Record<string, KubernetesApiCall>;

export type KubernetesApiCallName = keyof typeof kubernetesApiCalls;

/** Told of one call as it is made: its name and `performance.now()` at that moment. */
export type ApiCallListener = (name: KubernetesApiCallName, atMs: number) => void;

/** Counts of calls made, by name: for tests and the bench's "API calls per job". */
export class ApiCallCounter {
  private readonly counts = new Map<KubernetesApiCallName, number>();
  private readonly listeners = new Set<ApiCallListener>();

  record(name: KubernetesApiCallName): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (this.listeners.size === 0) return;
    const atMs = performance.now();
    for (const listener of this.listeners) listener(name, atMs);
  }

  /**
   * Calls `listener` synchronously for every call recorded from now on, at the moment the plugin
   * hands the request to the client (just before it is sent): the bench times "start() → Job
   * create" with it. A listener must not throw or block; it changes nothing the plugin does.
   * Returns a function that removes the listener.
   */
  onRecord(listener: ApiCallListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  snapshot(): Partial<Record<KubernetesApiCallName, number>> {
    return Object.fromEntries(this.counts);
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }
}
