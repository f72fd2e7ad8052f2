/**
 * Wakes waiting `follow()` calls when lines of their job may have arrived.
 *
 * Appends of this process wake the followers of the jobs they touched, at once, after commit.
 * Appends by other processes (another server replica) cannot call us: a waiting follower also
 * wakes after a timeout, which its caller grows from `pollIntervalMs` to `maxPollIntervalMs`
 * while nothing arrives, and then re-reads its range (one primary-key range seek).
 *
 * A follower's read is asynchronous, so an append may commit between the moment the read saw
 * the table and the moment the follower waits: each job key has a version that every append
 * bumps after commit while someone {@link ChangeNotifier.watch}es it; a follower takes the
 * version before reading and waits only if it is unchanged after the read found nothing. No wake
 * of this process is ever missed.
 */

type Waiter = () => void;

export class ChangeNotifier {
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Per watched job: [followers watching it, version]. Unwatched jobs cost nothing. */
  private readonly watched = new Map<string, [number, number]>();

  /** Key of one job: waiters and appends meet on it. */
  static key(runId: string, jobPath: string): string {
    return `${runId}\u0000${jobPath}`;
  }

  /** Starts counting the appends of `key` (a follow starts); pair with {@link unwatch}. */
  watch(key: string): void {
    const entry = this.watched.get(key);
    if (entry === undefined) this.watched.set(key, [1, 0]);
    else entry[0]++;
  }

  /** A follow of `key` ended. */
  unwatch(key: string): void {
    const entry = this.watched.get(key);
    if (entry === undefined) return;
    if (--entry[0] <= 0) this.watched.delete(key);
  }

  /** Bumped by every {@link wake} of a watched `key`; compare before and after a read. */
  version(key: string): number {
    return this.watched.get(key)?.[1] ?? 0;
  }

  /**
   * Resolves on the next {@link wake} of `key`, {@link wakeAll}, after `timeoutMs`, or when
   * `signal` aborts (also if it already has).
   */
  wait(key: string, signal: AbortSignal, timeoutMs: number): Promise<void> {
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
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      // A waiting follow must never keep a process alive on its own.
      timer.unref();
      waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** After this process committed lines of `key`: bump its version, wake its followers. */
  wake(key: string): void {
    const entry = this.watched.get(key);
    if (entry !== undefined) entry[1]++;
    const set = this.waiters.get(key);
    if (set !== undefined) for (const done of [...set]) done();
  }

  /** Wakes every follower (the store is closing). */
  wakeAll(): void {
    for (const set of [...this.waiters.values()]) for (const done of [...set]) done();
  }
}
