/**
 * Watches the tasks of job services. Swarm has no event for task state changes (the events API
 * reports services, not tasks), so the state is polled; one poll loop serves every waiter of an
 * orchestrator with a single `GET /tasks?filters={"service":[...]}` per interval, however many
 * jobs run at once.
 */
import { isNotFound } from '@containerops/orchestrator-docker';
import type { SwarmTask } from './swarm-types.js';
import { newestTask } from './swarm-types.js';

/** What one poll saw of one service. */
export interface TaskSnapshot {
  /** The newest task; `undefined` while Swarm has not created it yet, or when the service is gone. */
  readonly task?: SwarmTask;
  /** The service no longer exists (removed by `stop`, `remove` or someone else). */
  readonly gone: boolean;
}

/** The two Docker calls the watcher needs (injected, so it is tested without an engine). */
export interface TaskSource {
  /** Tasks of these services (any order; services without tasks are simply absent). */
  listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]>;
  serviceExists(serviceId: string): Promise<boolean>;
}

interface Waiter {
  readonly serviceId: string;
  readonly until: (snapshot: TaskSnapshot) => boolean;
  readonly resolve: (snapshot: TaskSnapshot) => void;
  readonly reject: (error: unknown) => void;
}

/** Consecutive failed polls tolerated before waiters are rejected (the daemon may hiccup). */
const MAX_FAILURES = 3;

/**
 * Concurrency: any number of `until` calls may be pending; the loop runs only while one is.
 * Errors: a waiter is rejected with the Docker error after {@link MAX_FAILURES} failed polls in a
 * row, or with the abort reason when its signal aborts.
 */
export class TaskWatcher {
  private readonly waiters = new Set<Waiter>();
  private running = false;

  constructor(
    private readonly source: TaskSource,
    private readonly intervalMs: number,
  ) {}

  /** Resolves with the first snapshot of the service for which `until` holds (checked every poll). */
  until(
    serviceId: string,
    until: (snapshot: TaskSnapshot) => boolean,
    signal?: AbortSignal,
  ): Promise<TaskSnapshot> {
    return new Promise<TaskSnapshot>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        serviceId,
        until,
        resolve: (snapshot) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(snapshot);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      if (!this.running) {
        this.running = true;
        void this.loop();
      }
    });
  }

  /** One poll right now, outside the loop (for `stop`, `reattach`, ...). */
  async snapshot(serviceId: string): Promise<TaskSnapshot> {
    const snapshots = await this.poll([serviceId]);
    return snapshots.get(serviceId) ?? { gone: true };
  }

  private async loop(): Promise<void> {
    let failures = 0;
    try {
      while (this.waiters.size > 0) {
        const ids = [...new Set([...this.waiters].map((w) => w.serviceId))];
        let snapshots: Map<string, TaskSnapshot>;
        try {
          snapshots = await this.poll(ids);
          failures = 0;
        } catch (error) {
          failures += 1;
          if (failures >= MAX_FAILURES) {
            for (const waiter of [...this.waiters]) {
              this.waiters.delete(waiter);
              waiter.reject(error);
            }
            return;
          }
          await sleep(this.intervalMs);
          continue;
        }
        for (const waiter of [...this.waiters]) {
          const snapshot = snapshots.get(waiter.serviceId);
          if (snapshot === undefined) continue;
          let done: boolean;
          try {
            done = waiter.until(snapshot);
          } catch (error) {
            this.waiters.delete(waiter);
            waiter.reject(error);
            continue;
          }
          if (done) {
            this.waiters.delete(waiter);
            waiter.resolve(snapshot);
          }
        }
        if (this.waiters.size > 0) await sleep(this.intervalMs);
      }
    } finally {
      this.running = false;
      // A waiter added while the last iteration was finishing would otherwise never be served.
      if (this.waiters.size > 0) {
        this.running = true;
        void this.loop();
      }
    }
  }

  private async poll(serviceIds: readonly string[]): Promise<Map<string, TaskSnapshot>> {
    const snapshots = new Map<string, TaskSnapshot>();
    let tasks: SwarmTask[];
    try {
      tasks = await this.source.listTasks(serviceIds);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Docker answers 404 to the whole list when one of the services is gone: ask one by one.
      const [only] = serviceIds;
      if (serviceIds.length === 1 && only !== undefined) return snapshots.set(only, { gone: true });
      for (const id of serviceIds) {
        for (const [key, value] of await this.poll([id])) snapshots.set(key, value);
      }
      return snapshots;
    }
    const byService = new Map<string, SwarmTask[]>();
    for (const task of tasks) {
      const list = byService.get(task.serviceId);
      if (list === undefined) byService.set(task.serviceId, [task]);
      else list.push(task);
    }
    for (const id of serviceIds) {
      const task = newestTask(byService.get(id) ?? []);
      // No task: either Swarm has not made it yet, or the service is gone; only then ask.
      const gone = task === undefined ? !(await this.source.serviceExists(id)) : false;
      snapshots.set(id, task === undefined ? { gone } : { task, gone });
    }
    return snapshots;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
