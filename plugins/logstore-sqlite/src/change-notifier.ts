/**
 * Wakes waiting `follow()` calls when lines of their job may have arrived.
 *
 * Appends of this process wake the followers of the jobs they touched, at once. Appends by other
 * processes sharing the file cannot call us, so while anyone waits, a timer polls SQLite's
 * `PRAGMA data_version` (it changes when another connection commits) and wakes every waiter when
 * it moved. A woken follower re-reads from its last delivered position, so a spurious wake costs
 * one indexed read and a missed one is impossible: it registers in the same synchronous section
 * as the read that found nothing new.
 */

type Waiter = () => void;

export class ChangeNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private waiting = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  /**
   * The version seen by the last poll, kept while nobody waits: a commit made by another process
   * after it, even one that lands between a follower's read and its wait, is then still noticed.
   */
  private lastVersion: number;

  constructor(
    /** Reads `PRAGMA data_version` of the store's connection. */
    private readonly dataVersion: () => number,
    private readonly pollIntervalMs: number,
  ) {
    this.lastVersion = dataVersion();
  }

  /** Key of one job: waiters and appends meet on it. */
  static key(runId: string, jobPath: string): string {
    return `${runId}\u0000${jobPath}`;
  }

  /**
   * Resolves on the next {@link wake} of `key`, {@link wakeAll}, a change by another process, or
   * when `signal` aborts (also if it already has).
   */
  wait(key: string, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      let set = this.waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const waiters = set;
      const done: Waiter = () => {
        if (!waiters.delete(done)) return;
        if (waiters.size === 0) this.waiters.delete(key);
        this.waiting--;
        signal.removeEventListener('abort', done);
        if (this.waiting === 0) this.stopPolling();
        resolve();
      };
      waiters.add(done);
      this.waiting++;
      signal.addEventListener('abort', done, { once: true });
      this.startPolling();
    });
  }

  /** Wakes the followers of one job (after this process appended lines of it). */
  wake(key: string): void {
    const set = this.waiters.get(key);
    if (set !== undefined) for (const done of [...set]) done();
  }

  /** Wakes every follower (another process committed, or the store is closing). */
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const done of [...set]) done();
  }

  private startPolling(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.poll(), this.pollIntervalMs);
    // Polling must never keep a process alive on its own.
    this.timer.unref();
  }

  private stopPolling(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    let version: number;
    try {
      version = this.dataVersion();
    } catch {
      // The connection is closing: close() wakes everyone itself.
      return;
    }
    if (version !== this.lastVersion) {
      this.lastVersion = version;
      this.wakeAll();
    }
  }
}
