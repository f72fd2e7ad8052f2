/**
 * Container removals that run in the background, so `remove()` does not hold the engine between
 * one job and the next (a force-remove takes 10-60 ms, the next job's create and start need not
 * wait for it).
 */

interface Removal {
  readonly runId: string;
  readonly name: string;
  readonly done: Promise<void>;
}

/**
 * Tracks removals by container id. Each removal runs once however often it is scheduled; its
 * failure is swallowed here because `cleanup()` of the run lists whatever is left by label and
 * removes it (reporting errors there). Safe for concurrent use (single-threaded JS).
 */
export class BackgroundRemovals {
  private readonly pending = new Map<string, Removal>();

  /**
   * Starts `remove` for container `id` unless one is already running; returns at once.
   * `runId` and `name` let {@link settled} and {@link ofName} find it.
   */
  schedule(id: string, runId: string, name: string, remove: () => Promise<void>): void {
    if (this.pending.has(id)) return;
    const done = (async () => remove())()
      .catch(() => undefined)
      .finally(() => this.pending.delete(id));
    this.pending.set(id, { runId, name, done });
  }

  /** Resolves when every removal of `runId` scheduled so far has ended. Never rejects. */
  async settled(runId: string): Promise<void> {
    const mine = [...this.pending.values()].filter((removal) => removal.runId === runId);
    await Promise.all(mine.map((removal) => removal.done));
  }

  /** Resolves when the removal of the container named `name`, if any, has ended. Never rejects. */
  async ofName(name: string): Promise<void> {
    const same = [...this.pending.values()].filter((removal) => removal.name === name);
    await Promise.all(same.map((removal) => removal.done));
  }
}
