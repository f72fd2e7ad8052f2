/**
 * Hosts the engines: one core `Engine` per organisation, sharing the orchestrator, the run store
 * (seq numbering is store-wide), the log store, the Lua hook runner and the service-job callback
 * registry. One engine per organisation because core's `SecretProvider` has no run context:
 * each engine gets the provider of its organisation's secrets, and recovery is split by
 * organisation through {@link OrgScopedRunStore}.
 */
import { Engine, OperationalError } from '@containerops/core';
import type {
  CallbackRegistry,
  EngineEvent,
  EngineOptions,
  HookRunner,
  Orchestrator,
  RunHandle,
  RunSnapshot,
  RunStore,
  SecretProvider,
  StartRunOptions,
  WorkflowDefinition,
} from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import { OrgScopedRunStore } from '../stores/org-scoped-run-store.js';
import { JobStartGate, SHUTTING_DOWN } from './job-start-gate.js';

/** A run this process executes, as graceful shutdown sees it. */
export interface HostedRun {
  readonly runId: string;
  readonly organization: string;
  /** Its live status: `queued` and `waiting` (at a pause stage) hold no running job. */
  readonly status: RunSnapshot['status'];
}

/** An engine that refuses new runs once its host stopped accepting them (shutdown). */
class HostedEngine extends Engine {
  constructor(
    options: EngineOptions,
    private readonly admit: () => void,
    private readonly started: (runId: string) => void,
  ) {
    super(options);
  }

  override start(workflow: WorkflowDefinition, options?: StartRunOptions): RunHandle {
    this.admit();
    const handle = super.start(workflow, options);
    this.started(handle.runId);
    return handle;
  }
}

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
  /**
   * Called when an engine of this host starts a run (not for resumed ones): server replicas
   * claim the run here, before any other replica could see it unclaimed for a whole lease TTL.
   */
  readonly onRunStarted?: (runId: string, organization: string) => void;
  /** The per-attempt log size limit and the store-failure listener, for every engine. */
  readonly engineOptions?: Pick<
    EngineOptions,
    'maxLogBytesPerAttempt' | 'onStoreProblem' | 'fanOutProgressMs'
  >;
  /**
   * Told of every live-only event of every engine (fan-out instance transitions, never stored),
   * in the order the engine emits them relative to its stored events: the server publishes them
   * on its event bus, where the run store publishes what it commits. Must not throw.
   */
  readonly onLiveEvent?: (event: EngineEvent) => void;
}

export class EngineHost {
  private readonly engines = new Map<string, Engine>();
  /** Runs resumed or started by this process, until they end. */
  private readonly running = new Map<string, Promise<RunSnapshot>>();
  /** What the engines start jobs on: the configured orchestrator behind the shutdown gate. */
  readonly jobStarts: JobStartGate;
  private accepting = true;

  constructor(readonly options: EngineHostOptions) {
    this.jobStarts = new JobStartGate(options.orchestrator);
  }

  get orchestrator(): Orchestrator {
    return this.options.orchestrator;
  }

  /**
   * From now on new runs (triggers, re-runs, debug runs, webhooks) are refused with an
   * OperationalError SHUTTING_DOWN. Runs already started go on. Idempotent.
   */
  stopAccepting(): void {
    this.accepting = false;
  }

  /** False once {@link stopAccepting} was called. */
  get acceptingRuns(): boolean {
    return this.accepting;
  }

  /** The runs this process is executing, with their live status. */
  hostedRuns(): HostedRun[] {
    const out: HostedRun[] = [];
    for (const runId of this.running.keys()) {
      for (const [organization, engine] of this.engines) {
        const snapshot = engine.getRun(runId);
        if (snapshot === undefined) continue;
        out.push({ runId, organization, status: snapshot.status });
        break;
      }
    }
    return out;
  }

  /** Cancels a run this process executes (see `Engine.cancel`); false when it is not here. */
  cancel(run: HostedRun, reason: string): boolean {
    return this.engines.get(run.organization)?.cancel(run.runId, reason) ?? false;
  }

  engineFor(organization: string): Engine {
    let engine = this.engines.get(organization);
    if (engine === undefined) {
      engine = new HostedEngine(
        {
          orchestrator: this.jobStarts,
          store: new OrgScopedRunStore(this.options.store, organization),
          logs: this.options.logs,
          secrets: this.options.secretsFor(organization),
          ...(this.options.hooks === undefined ? {} : { hooks: this.options.hooks }),
          ...(this.options.callbacks === undefined
            ? {}
            : { serviceCallbacks: this.options.callbacks }),
          ...this.options.engineOptions,
        },
        () => {
          if (!this.accepting) {
            throw new OperationalError(
              SHUTTING_DOWN,
              'the server is shutting down and starts no new runs: try again once it is back',
            );
          }
        },
        (runId) => this.options.onRunStarted?.(runId, organization),
      );
      const onLiveEvent = this.options.onLiveEvent;
      if (onLiveEvent !== undefined)
        engine.observe({
          onEvent: (event) => {
            if (event.liveOnly === true) onLiveEvent(event);
          },
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

  /**
   * Resumes the given runs, grouped by organisation (see `Engine.recover`'s `only`): the runs a
   * server replica took over from one that stopped renewing its leases. Runs this process already
   * drives are left alone. Returns the resumed handles.
   */
  async recoverRuns(
    runs: readonly { readonly runId: string; readonly organization: string }[],
  ): Promise<RunHandle[]> {
    const byOrganization = new Map<string, Set<string>>();
    for (const { runId, organization } of runs) {
      if (this.running.has(runId)) continue;
      const ids = byOrganization.get(organization) ?? new Set<string>();
      ids.add(runId);
      byOrganization.set(organization, ids);
    }
    const handles: RunHandle[] = [];
    for (const [organization, only] of byOrganization) {
      for (const handle of await this.engineFor(organization).recover({ only }))
        handles.push(this.track(handle));
    }
    return handles;
  }

  /** Whether this process drives the run now (started or resumed here, not yet settled). */
  drives(runId: string): boolean {
    return this.running.has(runId);
  }

  /** The ids of the runs this process drives now. */
  drivenRunIds(): string[] {
    return [...this.running.keys()];
  }

  /** The live snapshot of a run some engine holds in memory. */
  liveRun(organization: string, runId: string): RunSnapshot | undefined {
    return this.engines.get(organization)?.getRun(runId);
  }

  /** Runs this process is executing. */
  get activeRuns(): number {
    return this.running.size;
  }

  /** Waits (up to `timeoutMs`) for the given runs (default: all) to end and settle. */
  async idle(timeoutMs: number, runIds?: readonly string[]): Promise<void> {
    const runs =
      runIds === undefined
        ? [...this.running.values()]
        : runIds.flatMap((id) => this.running.get(id) ?? []);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(runs),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
}
