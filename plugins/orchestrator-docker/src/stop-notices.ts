/**
 * Tells log followers that a container has stopped as soon as `wait()` learns it, so they stop
 * waiting for Docker's follow to notice (see `follow-container-logs.ts`).
 */
export class StopNotices {
  private readonly stopped = new Set<string>();
  private readonly listeners = new Map<string, Set<() => void>>();

  /**
   * Calls `listener` once when container `id` is {@link report}ed stopped, synchronously if it
   * already was. Returns a function that stops listening (idempotent).
   */
  listen(id: string, listener: () => void): () => void {
    if (this.stopped.has(id)) {
      listener();
      return () => undefined;
    }
    let set = this.listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(id);
      current?.delete(listener);
      if (current?.size === 0) this.listeners.delete(id);
    };
  }

  /** Container `id` has stopped: notifies its listeners, remembers it for later ones. */
  report(id: string): void {
    this.stopped.add(id);
    const set = this.listeners.get(id);
    this.listeners.delete(id);
    for (const listener of set ?? []) listener();
  }

  /** Drops what is known about `id` (its container is being removed). */
  forget(id: string): void {
    this.stopped.delete(id);
    this.listeners.delete(id);
  }
}
