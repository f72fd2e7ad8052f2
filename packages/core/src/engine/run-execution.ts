/**
 * Everything one run carries while it executes: its state, its stop scope, the outputs of its
 * finished jobs (for data links), its secret masker and cached secret lookups, and the engine's
 * services. Created by the engine, shared by the run/stage/action/job executors.
 */
import { SecretMasker } from '../contract/secret-masker.js';
import type { WorkflowDefinition } from '../definition/model.js';
import type { Orchestrator, RunContext } from '../orchestrator/orchestrator.js';
import type { HookRunner, PauseDecision, SecretProvider, StartRunOptions } from './api.js';
import type { Outbox } from './outbox.js';
import type { RunRecovery } from './recovery.js';
import type { RunState } from './run-state.js';
import type { LogSink, RunStore } from './store.js';
import type { StopScope } from './timeouts.js';

/** The engine's collaborators, shared by all runs. */
export interface EngineServices {
  readonly orchestrator: Orchestrator;
  readonly store: RunStore;
  readonly outbox: Outbox;
  /** The log sink the outbox writes to; read when a restarted engine resumes an attempt's log. */
  readonly logs?: LogSink;
  readonly secrets?: SecretProvider;
  readonly hooks?: HookRunner;
  readonly stopGraceMs: number;
  /** Most bytes of log text stored per job attempt; 0: no limit. */
  readonly logLimitBytes: number;
  /** Least time between two progress events of one fan-out job (fan-out-progress.ts). */
  readonly fanOutProgressMs: number;
}

/** A job kept from the run being re-run: not executed again. */
export interface ReusedJob {
  readonly outputs: Readonly<Record<string, string>>;
  readonly fromRunId: string;
}

/** A pause stage waiting for its decision. */
export interface PendingDecision {
  readonly stage: string;
  readonly resolve: (decision: PauseDecision) => void;
}

export class RunExecution {
  readonly masker = new SecretMasker();
  /** Outputs of the jobs that succeeded (or were reused) so far, by job path. */
  readonly outputs = new Map<string, Readonly<Record<string, string>>>();
  /** The pause stage currently waiting, if any (one at a time: stages run in order). */
  pending: PendingDecision | undefined;
  /** Set for a run resumed after an engine restart (`Engine.recover`): what had happened already. */
  recovery: RunRecovery | undefined;
  private readonly secretValues = new Map<string, Promise<string | undefined>>();
  private saving: Promise<void> | undefined;

  constructor(
    readonly services: EngineServices,
    readonly workflow: WorkflowDefinition,
    readonly state: RunState,
    readonly scope: StopScope,
    readonly options: StartRunOptions,
    /** Jobs of a re-run from failed that are kept, by path (set before the run begins). */
    public reused: ReadonlyMap<string, ReusedJob>,
    /** What the orchestrator sees for prepare/cleanup (set before the run begins). */
    public orchestratorRun: RunContext,
  ) {}

  get runId(): string {
    return this.state.runId;
  }

  /**
   * Looks a secret up once per run (concurrent jobs share the lookup) and registers its value
   * with the masker before anyone can print it. Undefined when missing or without a provider.
   */
  lookupSecret(name: string): Promise<string | undefined> {
    let value = this.secretValues.get(name);
    if (value === undefined) {
      const provider = this.services.secrets;
      value = (provider === undefined ? Promise.resolve(undefined) : provider.get(name)).then(
        (v) => {
          if (v !== undefined) this.masker.add(v);
          return v;
        },
      );
      this.secretValues.set(name, value);
    }
    return value;
  }

  /**
   * Saves the snapshot; saves of one run are serialised so they reach the store in order. The live
   * snapshot is passed (no copy: copying a 5,000-job tree at every stage is what made saves
   * costly). When no save is in flight the store is called at once, so it sees this very state;
   * a queued save sees a newer one, never a torn one, since the engine only changes the snapshot
   * between awaits. Store failures are swallowed here (events stay the source of truth); the
   * engine awaits the final save.
   */
  save(): Promise<void> {
    const snapshot = this.state.snapshot;
    const store = this.services.store;
    const call = async (): Promise<void> => store.saveRun(snapshot);
    const next = (this.saving === undefined ? call() : this.saving.then(call)).catch(
      () => undefined,
    );
    this.saving = next;
    void next.then(() => {
      if (this.saving === next) this.saving = undefined;
    });
    return next;
  }
}
