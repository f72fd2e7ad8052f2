/**
 * Concurrency groups (`workflow.concurrency`): at most `limit` runs of one group run at once;
 * the others wait `queued` and start in the order they arrived (FIFO). Group names are global to
 * the engine, so workflows sharing a group name share its slots.
 */

interface Group {
  limit: number;
  readonly running: Set<string>;
  readonly queue: { readonly runId: string; readonly start: () => void }[];
}

export class ConcurrencyGroups {
  private readonly groups = new Map<string, Group>();

  /**
   * Takes a slot for `runId` and returns true, or queues it and returns false; `start` is then
   * called (synchronously, from a later {@link release}) when its turn comes. The latest `limit`
   * given for a group applies.
   */
  acquire(group: string, limit: number, runId: string, start: () => void): boolean {
    const g = this.group(group, limit);
    if (g.running.size < g.limit && g.queue.length === 0) {
      g.running.add(runId);
      return true;
    }
    g.queue.push({ runId, start });
    return false;
  }

  /** Frees the run's slot (or drops it from the queue) and starts the next runs that fit. */
  release(group: string, runId: string): void {
    const g = this.groups.get(group);
    if (g === undefined) return;
    if (!g.running.delete(runId)) {
      const i = g.queue.findIndex((q) => q.runId === runId);
      if (i >= 0) g.queue.splice(i, 1);
    }
    while (g.running.size < g.limit && g.queue.length > 0) {
      const next = g.queue.shift() as Group['queue'][number];
      g.running.add(next.runId);
      next.start();
    }
    if (g.running.size === 0 && g.queue.length === 0) this.groups.delete(group);
  }

  /** Ids of the group's running runs, then its queued ones in order. */
  members(group: string): {
    readonly running: readonly string[];
    readonly queued: readonly string[];
  } {
    const g = this.groups.get(group);
    return {
      running: g === undefined ? [] : [...g.running],
      queued: g === undefined ? [] : g.queue.map((q) => q.runId),
    };
  }

  private group(name: string, limit: number): Group {
    let g = this.groups.get(name);
    if (g === undefined) {
      g = { limit, running: new Set(), queue: [] };
      this.groups.set(name, g);
    }
    g.limit = Math.max(1, limit);
    return g;
  }
}
