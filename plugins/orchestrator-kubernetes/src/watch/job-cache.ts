/**
 * The managed Jobs and Pods of one namespace, kept current by two resumable watches (one for
 * Jobs, one for Pods, both on `containerops.managed=true`), shared by every `wait`, `logs` and
 * `stop` of the plugin instance in that namespace: one watch per kind and namespace, however many
 * jobs run. The watches run while someone waits on the cache and stop when nobody does.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { JobLabel } from '@containerops/sdk';
import type { KubeApi } from '../kube-api.js';
import { ResumableWatch } from './resumable-watch.js';
import type { WatchStats } from './resumable-watch.js';

/** What the cache knows of one job. */
export interface JobObjects {
  readonly job?: V1Job;
  /** The Job's newest Pod; a Pod deleted after its container terminated is kept, so its exit stays readable. */
  readonly pod?: V1Pod;
}

/** The Job a Pod belongs to, from the label the Job controller puts on it. */
export function podJobName(pod: V1Pod): string | undefined {
  const labels = pod.metadata?.labels ?? {};
  return labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
}

function created(object: V1Pod): number {
  return new Date(object.metadata?.creationTimestamp ?? 0).getTime();
}

function terminated(pod: V1Pod | undefined): boolean {
  return (pod?.status?.containerStatuses ?? []).some((s) => s.state?.terminated !== undefined);
}

/** How long the watches outlive their last waiter. */
const LINGER_MS = 10_000;

export const MANAGED_SELECTOR = `${JobLabel.managed}=true`;

export class JobCache {
  private readonly jobs = new Map<string, V1Job>();
  private readonly pods = new Map<string, V1Pod>();
  private readonly listeners = new Set<() => void>();
  private jobWatch: ResumableWatch<V1Job> | undefined;
  private podWatch: ResumableWatch<V1Pod> | undefined;
  private synced: Promise<void> | undefined;
  private failure: unknown;
  private linger: NodeJS.Timeout | undefined;
  private readonly jobStats: WatchStats = { lists: 0, watches: 0, resumes: 0, relists: 0 };
  private readonly podStats: WatchStats = { lists: 0, watches: 0, resumes: 0, relists: 0 };

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
  ) {}

  /** The job's objects as last seen. */
  get(name: string): JobObjects {
    const job = this.jobs.get(name);
    const pod = this.pods.get(name);
    return { ...(job === undefined ? {} : { job }), ...(pod === undefined ? {} : { pod }) };
  }

  /** Counters of both watches (lists, watches, resumes, relists). */
  stats(): { jobs: WatchStats; pods: WatchStats } {
    return { jobs: { ...this.jobStats }, pods: { ...this.podStats } };
  }

  /** Drops both watch connections as a network failure would (tests: resume must follow). */
  interrupt(): void {
    this.jobWatch?.interrupt();
    this.podWatch?.interrupt();
  }

  /**
   * Resolves with the job's objects once `done(objects)` returns true, checked now and after each
   * change of this namespace; rejects when `signal` aborts.
   */
  async until(
    name: string,
    done: (objects: JobObjects) => boolean,
    signal?: AbortSignal,
  ): Promise<JobObjects> {
    let wake: () => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const listener = (): void => wake();
    // One abort listener for the whole wait, not one per change: a long wait sees many changes.
    const onAbort = (): void => fail(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.listeners.add(listener);
    try {
      await this.ensureWatching();
      for (;;) {
        signal?.throwIfAborted();
        const objects = this.get(name);
        if (done(objects)) return objects;
        await new Promise<void>((resolve, reject) => {
          wake = resolve;
          fail = reject;
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.lingerThenStop();
    }
  }

  /** Wakes every waiter now (e.g. for a time-based check such as the Pending limit). */
  poke(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Keeps the watches a while after the last waiter left: a job's `start`, `logs` and `wait`
   * come one after another, and the next job of the run soon after; relisting for each would cost
   * two lists and two watches per job. The timer does not keep the process alive.
   */
  private lingerThenStop(): void {
    if (this.linger !== undefined) clearTimeout(this.linger);
    this.linger = setTimeout(() => {
      this.linger = undefined;
      if (this.listeners.size === 0) this.stopWatching();
    }, LINGER_MS);
    this.linger.unref();
  }

  private ensureWatching(): Promise<void> {
    if (this.linger !== undefined) {
      clearTimeout(this.linger);
      this.linger = undefined;
    }
    if (this.synced !== undefined) return this.synced;
    const notify = (): void => this.poke();
    this.jobWatch = new ResumableWatch<V1Job>(
      this.api.watchSource<V1Job>('jobs', this.namespace, MANAGED_SELECTOR),
      {
        reset: (items) => {
          this.jobs.clear();
          for (const job of items) if (job.metadata?.name) this.jobs.set(job.metadata.name, job);
          notify();
        },
        change: (type, job) => {
          const name = job.metadata?.name;
          if (name === undefined) return;
          if (type === 'DELETED') this.jobs.delete(name);
          else this.jobs.set(name, job);
          notify();
        },
        failing: (error) => {
          this.failure = error;
        },
      },
      this.jobStats,
    );
    this.podWatch = new ResumableWatch<V1Pod>(
      this.api.watchSource<V1Pod>('pods', this.namespace, MANAGED_SELECTOR),
      {
        reset: (items) => {
          const kept = new Map([...this.pods].filter(([, pod]) => terminated(pod)));
          this.pods.clear();
          for (const [name, pod] of kept) this.pods.set(name, pod);
          for (const pod of items) this.putPod(pod);
          notify();
        },
        change: (type, pod) => {
          const name = podJobName(pod);
          if (name === undefined) return;
          if (type === 'DELETED') {
            const known = this.pods.get(name);
            // Keep a terminated Pod's last state: its exit code and message are still the job's.
            if (
              known?.metadata?.uid === pod.metadata?.uid &&
              !terminated(pod) &&
              !terminated(known)
            )
              this.pods.delete(name);
            else if (terminated(pod)) this.pods.set(name, pod);
          } else this.putPod(pod);
          notify();
        },
      },
      this.podStats,
    );
    this.synced = Promise.all([this.jobWatch.start(), this.podWatch.start()]).then(
      () => undefined,
      (error: unknown) => {
        this.stopWatching();
        throw error;
      },
    );
    return this.synced;
  }

  private putPod(pod: V1Pod): void {
    const name = podJobName(pod);
    if (name === undefined) return;
    const known = this.pods.get(name);
    if (
      known === undefined ||
      known.metadata?.uid === pod.metadata?.uid ||
      created(pod) >= created(known)
    )
      this.pods.set(name, pod);
  }

  private stopWatching(): void {
    this.jobWatch?.stop();
    this.podWatch?.stop();
    this.jobWatch = undefined;
    this.podWatch = undefined;
    this.synced = undefined;
    this.failure = undefined;
  }

  /**
   * Records a Job read outside the watch (just created, or confirmed by a GET) that the watch has
   * not shown yet; the watch's own events for it replace it later.
   */
  observe(job: V1Job): void {
    const name = job.metadata?.name;
    if (name !== undefined && !this.jobs.has(name)) {
      this.jobs.set(name, job);
      this.poke();
    }
  }

  /** Forgets a removed job's objects. */
  forget(name: string): void {
    this.jobs.delete(name);
    this.pods.delete(name);
  }

  /** The error the watches keep failing with, if they do. */
  get failing(): unknown {
    return this.failure;
  }
}
