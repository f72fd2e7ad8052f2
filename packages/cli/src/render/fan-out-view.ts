/**
 * One fan-out job's instances as the CLI shows them (issue 16): counted, not listed. A fan-out
 * may have 100,000 instances; the live view draws it as ONE line with running / passed / failed /
 * pending counts, and the run's summary names the failed instances, a bounded number of them.
 *
 * Memory stays proportional to what runs: the names of running instances (at most the
 * fan-out's `max-parallel`), the failed ones that may still be retried, and the first
 * {@link FAILED_NAMES_SHOWN} failures; every other instance is only counted.
 */
import type { AnyStatus, FanOutProgress } from '@containerops/core';
import { isTerminal } from '@containerops/core';

/** Failed instances named in the summary; the rest are "and N more". */
export const FAILED_NAMES_SHOWN = 10;

/** A failed, timed-out or cancelled instance, as the summary names it. */
export interface FailedInstance {
  readonly name: string;
  readonly status: 'failed' | 'timed_out' | 'cancelled';
  readonly reason?: string;
}

const FAILURES: ReadonlySet<AnyStatus> = new Set(['failed', 'timed_out', 'cancelled']);

export class FanOutView {
  /** Instances in all, once known (the run's state, or the job's `fan-out.total` at its end). */
  total: number | undefined;
  started = 0;
  passed = 0;
  /** Failed, timed out or cancelled. */
  failed = 0;
  skipped = 0;
  private readonly running = new Set<string>();
  private readonly named: FailedInstance[] = [];
  private unnamed = 0;
  /** Failures that a retry may undo, by name: whether the failure is among the named ones. */
  private readonly retryable = new Map<string, boolean>();

  /** @param maxAttempts the job's attempts per instance (1 + retries) */
  constructor(private readonly maxAttempts: number) {}

  get runningCount(): number {
    return this.running.size;
  }

  /** Not started yet; undefined while the total is unknown. */
  get pending(): number | undefined {
    if (this.total === undefined) return undefined;
    return Math.max(0, this.total - this.started - this.skipped);
  }

  /** The first failed instances, in the order they failed. */
  get failedNames(): readonly FailedInstance[] {
    return this.named;
  }

  /** Failed instances beyond {@link failedNames}. */
  get moreFailed(): number {
    return this.unnamed;
  }

  /** Applies one event of instance `name` (events in `seq` order). */
  apply(name: string, status: AnyStatus, attempt?: number, reason?: string): void {
    if (!isTerminal(status)) {
      if (this.running.has(name)) return;
      const listed = this.retryable.get(name);
      if (listed !== undefined && (attempt ?? 1) > 1) {
        // A retry: the failure it reported is not the instance's end after all.
        this.retryable.delete(name);
        this.failed -= 1;
        if (listed)
          this.named.splice(
            this.named.findIndex((f) => f.name === name),
            1,
          );
        else this.unnamed -= 1;
      } else {
        this.started += 1;
      }
      this.running.add(name);
      return;
    }
    const wasRunning = this.running.delete(name);
    if (!wasRunning && status === 'skipped') {
      this.skipped += 1;
      return;
    }
    if (!wasRunning) this.started += 1; // ended before any running event (a start failure)
    if (status === 'succeeded') this.passed += 1;
    else if (status === 'skipped') this.skipped += 1;
    else if (FAILURES.has(status)) {
      this.failed += 1;
      const listed = this.named.length < FAILED_NAMES_SHOWN;
      if (listed)
        this.named.push({
          name,
          status: status as FailedInstance['status'],
          ...(reason === undefined ? {} : { reason }),
        });
      else this.unnamed += 1;
      if ((attempt ?? 1) < this.maxAttempts) this.retryable.set(name, listed);
    }
  }

  /**
   * Applies a progress event of the fan-out job (`data.fanOutProgress`): the state as the engine
   * stored it. Instance events are live only, so a view that joins a run late (or replays it)
   * learns of earlier instances from these alone; its counts and running instances replace what
   * the view had (the live instance events before it are in it), and the instance events after
   * it adjust them again.
   */
  progress(p: FanOutProgress): void {
    this.total = p.total;
    this.started = p.started;
    this.passed = p.passed;
    this.failed = p.failed;
    this.skipped = p.skipped;
    this.running.clear();
    for (const a of p.active) this.running.add(a.name);
    const named = new Set(this.named.map((f) => f.name));
    for (const i of p.ended) {
      // Listed as ended: its last attempt is over, no retry will undo it.
      const listed = this.retryable.get(i.name);
      this.retryable.delete(i.name);
      if (!FAILURES.has(i.status) || named.has(i.name) || listed === false) continue;
      if (this.named.length >= FAILED_NAMES_SHOWN) continue;
      named.add(i.name);
      this.named.push({
        name: i.name,
        status: i.status as FailedInstance['status'],
        ...(i.reason === undefined ? {} : { reason: i.reason }),
      });
    }
    this.unnamed = Math.max(0, this.failed - this.named.length);
  }

  /** The fan-out job ended: nothing is retried any more. */
  end(total: number | undefined): void {
    if (total !== undefined) this.total = total;
    this.retryable.clear();
    // Those never started (fail-fast, a cancel) are skipped now, no longer pending.
    if (this.total !== undefined)
      this.skipped = Math.max(
        this.skipped,
        this.total - this.passed - this.failed - this.running.size,
      );
  }
}
