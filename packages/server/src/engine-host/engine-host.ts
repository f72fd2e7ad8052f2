/**
 * Hosts the engines: one core `Engine` per organisation, sharing the orchestrator, the run store
 * (seq numbering is store-wide), the log store, the Lua hook runner and the service-job callback
 * registry. One engine per organisation because core's `SecretProvider` has no run context:
 * each engine gets the provider of its organisation's secrets, and recovery is split by
 * organisation through {@link OrgScopedRunStore}.
 */
import { Engine } from '@containerops/core';
import type {
  CallbackRegistry,
  HookRunner,
  Orchestrator,
  RunHandle,
  RunSnapshot,
  RunStore,
  SecretProvider,
} from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import { OrgScopedRunStore } from '../stores/org-scoped-run-store.js';

export interface EngineHostOptions {
  readonly orchestrator: Orchestrator;
  readonly store: RunStore;
  readonly logs: LogStore;
  readonly hooks?: HookRunner;
  readonly callbacks?: CallbackRegistry;
  readonly secretsFor: (organization: string) => SecretProvider;
  /**
   * Called with the final snapshot of every tracked run (started or resumed by this process);
   * the run counts as done once it settled. Must not reject.
   */
  readonly onRunEnded?: (snapshot: RunSnapshot) => Promise<void>;
}

export class EngineHost {
  private readonly engines = new Map<string, Engine>();
  /** Runs resumed or started by this process, until they end. */
  private readonly running = new Map<string, Promise<RunSnapshot>>();

  constructor(readonly options: EngineHostOptions) {}

  get orchestrator(): Orchestrator {
    return this.options.orchestrator;
  }

  engineFor(organization: string): Engine {
    let engine = this.engines.get(organization);
    if (engine === undefined) {
      engine = new Engine({
        orchestrator: this.options.orchestrator,
        store: new OrgScopedRunStore(this.options.store, organization),
        logs: this.options.logs,
        secrets: this.options.secretsFor(organization),
        ...(this.options.hooks === undefined ? {} : { hooks: this.options.hooks }),
        ...(this.options.callbacks === undefined
          ? {}
          : { serviceCallbacks: this.options.callbacks }),
      });
      this.engines.set(organization, engine);
    }
    return engine;
  }

  /** Tracks a run handle so shutdown and tests can wait for it, and reports its end. */
  track(handle: RunHandle): RunHandle {
    const onRunEnded = this.options.onRunEnded;
    const settled =
      onRunEnded === undefined
        ? handle.done
        : handle.done.then(async (snapshot) => {
            await onRunEnded(snapshot);
            return snapshot;
          });
    this.running.set(handle.runId, settled);
    void settled.then(() => this.running.delete(handle.runId));
    return handle;
  }

  /**
   * The final snapshot of a run this process is executing, once it ended and `onRunEnded` ran;
   * undefined when it is not running here (already ended, or never was).
   */
  whenDone(runId: string): Promise<RunSnapshot> | undefined {
    return this.running.get(runId);
  }

  /**
   * Resumes the unfinished runs of every organisation that has any (see `Engine.recover`).
   * Returns the resumed handles.
   */
  async recover(organizations: readonly string[]): Promise<RunHandle[]> {
    const handles: RunHandle[] = [];
    for (const org of organizations) {
      for (const handle of await this.engineFor(org).recover()) handles.push(this.track(handle));
    }
    return handles;
  }

  /** The live snapshot of a run some engine holds in memory. */
  liveRun(organization: string, runId: string): RunSnapshot | undefined {
    return this.engines.get(organization)?.getRun(runId);
  }

  /** Runs this process is executing. */
  get activeRuns(): number {
    return this.running.size;
  }

  /** Waits (up to `timeoutMs`) for the engines' stores to settle; runs keep going in their backend. */
  async idle(timeoutMs: number): Promise<void> {
    const all = Promise.all([...this.running.values()]);
    await Promise.race([all, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}
