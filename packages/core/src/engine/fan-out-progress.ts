/**
 * The progress events of one running fan-out job: what makes a fan-out's stored events grow with
 * time instead of with its instances. Instance transitions are live-only events (run-state.ts);
 * this folds them, at most once per interval, into one stored event of the fan-out job carrying
 * its counts, the summaries of the instances that ended since the previous one and the instances
 * running now ({@link FanOutProgress}).
 *
 * It is also what makes an ended instance durable: an instance's backend object is released only
 * once a progress event listing its end is stored ({@link FanOutProgressReporter.durable}), so a
 * restarted engine either finds the end in the store or the object in the backend, and never runs
 * an instance twice.
 */
import type { FanOutActiveInstance, FanOutProgress } from './events.js';
import type { RunState } from './run-state.js';
import type { FanOutSnapshot } from './snapshot.js';

/** Default least time between two progress events of one fan-out (`EngineOptions.fanOutProgressMs`). */
export const DEFAULT_FAN_OUT_PROGRESS_MS = 250;

/**
 * Ended instances whose backend objects may wait for a progress event at once (or twice the
 * fan-out's `max-parallel`, if more): past it no instance starts, and a progress event goes out
 * at once. So a failing store holds a fan-out back (nothing is released before it is stored), and
 * a fan-out whose instances end faster than this per interval stores one more progress event per
 * this many instances.
 */
export const MAX_UNRELEASED_INSTANCES = 1_000;

export interface FanOutProgressOptions {
  readonly state: RunState;
  /** The fan-out job's path. */
  readonly path: string;
  readonly fan: FanOutSnapshot;
  /** Resolves once every event emitted before the call is stored (the outbox's `stored`). */
  readonly stored: () => Promise<void>;
  /** Least time between two progress events. */
  readonly intervalMs: number;
}

export class FanOutProgressReporter {
  /** How many of `fan.instances` a progress event has listed already. */
  private reported: number;
  private changed = false;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** A progress event was emitted and is not stored yet. */
  private storing = false;
  private lastAt = Number.NEGATIVE_INFINITY;
  /** Callers of {@link durable} waiting for the next progress event to be stored. */
  private waiters: (() => void)[] = [];
  private readonly unwatch: () => void;

  constructor(private readonly o: FanOutProgressOptions) {
    // After an engine restart the instances listed so far are in the store already.
    this.reported = o.fan.instances.length;
    this.unwatch = o.state.watchFanOut(o.path, () => this.touch());
  }

  /** Something changed (an instance moved, an instance was reused): report it within the interval. */
  touch(): void {
    this.changed = true;
    if (this.timer !== undefined || this.closed) return;
    const wait = Math.max(0, this.lastAt + this.o.intervalMs - Date.now());
    this.timer = setTimeout(() => this.emit(), wait);
  }

  /**
   * Resolves once a progress event emitted after this call is stored: everything the fan-out's
   * state says now (an instance's end, a retry) is then in the store. Never rejects.
   */
  durable(): Promise<void> {
    if (this.closed) return this.o.stored();
    return new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      this.touch();
    });
  }

  /**
   * Emits a progress event now, whatever the interval, if someone waits for one ({@link durable}):
   * for a fan-out that must not start more instances before ended ones are released.
   */
  now(): void {
    // One stored at a time: while one is on its way, its end wakes the fan-out again.
    if (this.closed || this.waiters.length === 0 || this.storing) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.emit();
  }

  /**
   * The fan-out's instances are done: a last progress event now (if anything is unreported),
   * none after it. Call before the fan-out job's own terminal event.
   */
  close(): void {
    if (this.closed) return;
    if (this.changed || this.reported < this.o.fan.instances.length || this.waiters.length > 0)
      this.emit();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.closed = true;
    this.unwatch();
  }

  private emit(): void {
    this.timer = undefined;
    this.changed = false;
    this.lastAt = Date.now();
    const { fan, state, path } = this.o;
    const ended = fan.instances.slice(this.reported);
    this.reported = fan.instances.length;
    const active: FanOutActiveInstance[] = [];
    for (const node of Object.values(fan.active))
      active.push({ name: node.name, status: node.status, attempt: node.attempt });
    const progress: FanOutProgress = {
      total: fan.total,
      started: fan.started,
      passed: fan.passed,
      failed: fan.failed,
      skipped: fan.skipped,
      ended,
      active,
    };
    state.fanOutProgress(path, progress);
    const waiters = this.waiters;
    this.waiters = [];
    this.storing = true;
    void this.o.stored().then(() => {
      this.storing = false;
      for (const resolve of waiters) resolve();
    });
  }
}
