/**
 * A `TriggerContext` for tests: subscriptions set by the test, every `fire` recorded, `once` keys
 * claimed in a map that can outlive one context (pass the same `claims` to a second context to
 * play a restart or a second replica), and a tripwire for a `fire` after the plugin stopped.
 */
import type {
  TriggerContext,
  TriggerFireOptions,
  TriggerFireResult,
  TriggerInfo,
  TriggerSubscription,
} from '../kinds/trigger.js';
import { silentLogger } from '../plugin/context.js';

/** One recorded `fire` call. */
export interface RecordedFire {
  readonly workflow: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly trigger: TriggerInfo;
  readonly options: TriggerFireOptions;
  /** True when `once` was claimed already (no run started). */
  readonly duplicate: boolean;
}

export class RecordingTriggerContext implements TriggerContext {
  readonly logger = silentLogger;
  /** Every call, duplicates included. */
  readonly fires: RecordedFire[] = [];
  /** Calls made after {@link markStopped}: a plugin breaking the contract. */
  readonly firesAfterStop: RecordedFire[] = [];
  private readonly abort = new AbortController();
  private current: readonly TriggerSubscription[];
  private readonly listeners = new Set<() => void>();
  private runs = 0;
  private waiters: (() => void)[] = [];

  constructor(
    subscriptions: readonly TriggerSubscription[] = [],
    /** Claimed `once` keys → run id; share one map between contexts to model durability. */
    readonly claims: Map<string, string> = new Map(),
    /** Makes `fire` reject (a workflow that does not exist, refused inputs). */
    private readonly refuse?: (workflow: string) => Error | undefined,
  ) {
    this.current = subscriptions;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The runs really started (duplicates excluded). */
  get started(): readonly RecordedFire[] {
    return this.fires.filter((f) => !f.duplicate);
  }

  subscriptions(): readonly TriggerSubscription[] {
    return this.current;
  }

  onSubscriptionsChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the subscriptions and tells the plugin, as the host does when a workflow is saved. */
  setSubscriptions(subscriptions: readonly TriggerSubscription[]): void {
    this.current = subscriptions;
    for (const listener of this.listeners) listener();
  }

  /** Call once the plugin's `stop()` resolved: later fires are contract violations. */
  markStopped(): void {
    this.abort.abort();
  }

  fire(
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    trigger: TriggerInfo,
    options: TriggerFireOptions = {},
  ): Promise<TriggerFireResult> {
    const refused = this.refuse?.(workflow);
    if (refused !== undefined) return Promise.reject(refused);
    const key = options.once === undefined ? undefined : `${workflow}\n${options.once}`;
    const first = key === undefined ? undefined : this.claims.get(key);
    const record: RecordedFire = {
      workflow,
      inputs: { ...inputs },
      trigger: { ...trigger },
      options,
      duplicate: first !== undefined,
    };
    if (this.abort.signal.aborted) this.firesAfterStop.push(record);
    this.fires.push(record);
    for (const wake of this.waiters.splice(0)) wake();
    if (first !== undefined) return Promise.resolve({ duplicate: true, runId: first });
    const runId = `run-${++this.runs}`;
    if (key !== undefined) this.claims.set(key, runId);
    return Promise.resolve({ runId });
  }

  /** Resolves once at least `count` calls were made, or rejects after `timeoutMs`. */
  async waitForFires(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.fires.length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `expected ${count} fire call(s) within ${timeoutMs} ms, saw ${this.fires.length}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
