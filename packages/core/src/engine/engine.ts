/**
 * The engine: starts runs, runs them on the orchestrator, and reports everything through the
 * run store, the log sink and live observers. See {@link Engine}.
 */
import type { WorkflowDefinition } from '../definition/model.js';
import { ContainerOpsError, ErrorCode, UserError } from '../errors.js';
import { JobLabel } from '../orchestrator/orchestrator.js';
import { toLabelValue } from '../orchestrator/labels.js';
import type { RunContext } from '../orchestrator/orchestrator.js';
import { MemoryLogSink } from '../stores/memory-log-sink.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { ActionExecutor } from './action-executor.js';
import type {
  EngineApi,
  EngineObserver,
  EngineOptions,
  PauseDecision,
  RunHandle,
  StartRunOptions,
} from './api.js';
import { ComponentRunner } from './component-runner.js';
import { ConcurrencyGroups } from './concurrency.js';
import { newRunId } from './ids.js';
import { DEFAULT_FAN_OUT_PROGRESS_MS } from './fan-out-progress.js';
import { JobExecutor } from './job-executor.js';
import { messageOf } from './job-environment.js';
import { Outbox } from './outbox.js';
import { applyRecovery } from './recovery.js';
import { planRecovery } from './recovery-plan.js';
import type { RecoveryPlan } from './recovery-plan.js';
import { planRerun, rerunNotFound } from './rerun.js';
import type { RerunPlan } from './rerun.js';
import { RunExecution } from './run-execution.js';
import type { EngineServices } from './run-execution.js';
import { RunExecutor } from './run-executor.js';
import { ServiceRunner } from './service-runner.js';
import { runRequestOf, startOptionsOf } from './run-request.js';
import { createRunSnapshot, RunState } from './run-state.js';
import { copySnapshot } from './snapshot-copy.js';
import type { NewEngineEvent } from './events.js';
import type { RunSnapshot } from './snapshot.js';
import { StageExecutor } from './stage-executor.js';
import { isTerminal } from './status.js';
import type { LogSink, RunStore } from './store.js';
import { StopScope } from './timeouts.js';

/** Default grace between the graceful stop signal and the kill. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** Finished runs kept in memory for {@link Engine.getRun} and fast re-runs. */
const FINISHED_KEPT = 256;

interface ActiveRun {
  readonly exec: RunExecution;
  readonly workflow: WorkflowDefinition;
  readonly group?: string;
  readonly resolve: (snapshot: RunSnapshot) => void;
  /** The run passed its queue and is executing (or has executed). */
  begun: boolean;
  detachSignal?: () => void;
}

/**
 * Runs workflows.
 *
 * - `start` validates synchronously what it can (a re-run's earlier run, when it is in memory)
 *   and returns at once; the run then queues for its concurrency group and executes. Its
 *   `done` resolves with the final snapshot after cleanup, once every event and log line of the
 *   run is stored and delivered; it never rejects.
 * - Every status change goes to the {@link RunStore} (which numbers it) and then to observers in
 *   `seq` order; log lines go to the {@link LogSink} in batches and to observers in the same
 *   ordered stream (a job's `running` event precedes its lines, its terminal event follows them).
 * - Concurrency: any number of runs at once; all methods are safe to call at any time.
 */
export class Engine implements EngineApi {
  readonly store: RunStore;
  readonly logs: LogSink;
  private readonly services: EngineServices;
  private readonly outbox: Outbox;
  private readonly executor: RunExecutor;
  private readonly groups = new ConcurrencyGroups();
  private readonly active = new Map<string, ActiveRun>();
  private readonly finished = new Map<string, RunSnapshot>();
  private readonly makeRunId: () => string;

  constructor(options: EngineOptions) {
    this.store = options.store ?? new MemoryRunStore();
    this.logs = options.logs ?? new MemoryLogSink();
    this.makeRunId = options.newRunId ?? (() => newRunId());
    this.outbox = new Outbox({
      store: this.store,
      logs: this.logs,
      onAppended: (events) => {
        for (const e of events) {
          const snapshot = this.active.get(e.runId)?.exec.state.snapshot;
          if (snapshot !== undefined && e.seq > snapshot.lastSeq) snapshot.lastSeq = e.seq;
        }
      },
      ...(options.onStoreProblem === undefined ? {} : { onStoreProblem: options.onStoreProblem }),
      onLogTruncated: (runId, path, truncation) =>
        this.active.get(runId)?.exec.state.noteLogTruncated(path, truncation),
    });
    this.services = {
      orchestrator: options.orchestrator,
      store: this.store,
      outbox: this.outbox,
      logs: this.logs,
      stopGraceMs: options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS,
      logLimitBytes: Math.max(0, options.maxLogBytesPerAttempt ?? 0),
      fanOutProgressMs: Math.max(0, options.fanOutProgressMs ?? DEFAULT_FAN_OUT_PROGRESS_MS),
      ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
      ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
    };
    const jobs = new JobExecutor({
      component: new ComponentRunner(),
      service: new ServiceRunner({
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.serviceCallbacks === undefined ? {} : { callbacks: options.serviceCallbacks }),
      }),
    });
    this.executor = new RunExecutor(new StageExecutor(new ActionExecutor(jobs)));
  }

  /**
   * Starts a run of `workflow` (already validated) and returns at once.
   *
   * @throws UserError `RUN_ID_IN_USE` when `options.runId` is taken; `RERUN_NOT_POSSIBLE` when a
   *   re-run from failed is refused and the earlier run is known in memory (otherwise the earlier
   *   run is loaded from the store and a refusal ends the new run `failed` with that reason).
   */
  start(workflow: WorkflowDefinition, options: StartRunOptions = {}): RunHandle {
    const runId = options.runId ?? this.makeRunId();
    if (this.active.has(runId) || this.finished.has(runId)) {
      throw new UserError(
        'RUN_ID_IN_USE',
        `run id ${runId} is already used; leave runId out to get a new one`,
      );
    }
    let plan: RerunPlan | undefined;
    let loadOld: string | undefined;
    if (options.rerun?.fromFailed === true) {
      const oldId = options.rerun.runId;
      const running = this.active.get(oldId);
      const old = running?.exec.state.snapshot ?? this.finished.get(oldId);
      if (old !== undefined) plan = planRerun(old, workflow);
      else loadOld = oldId;
    }

    const snapshot = createRunSnapshot({
      runId,
      workflow,
      createdAt: Date.now(),
      ...(options.rerun === undefined ? {} : { rerunOf: options.rerun.runId }),
      ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
      keepWorkspace: options.keepWorkspace === true,
      workspaceRunId: plan?.workspaceRunId ?? runId,
    });
    const state = new RunState(snapshot, (event) => this.record(event));
    const exec = new RunExecution(
      this.services,
      workflow,
      state,
      new StopScope(),
      options,
      plan?.reused ?? new Map(),
      this.orchestratorRun(workflow, runId, plan?.workspaceRunId),
    );
    const { active, done } = this.track(exec, workflow);
    state.announce({
      workflow: workflow.uri,
      version: workflow.version,
      ...(options.rerun === undefined ? {} : { rerun: { ...options.rerun } }),
      ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
    });
    // What to run, then how far it got: together they let a restarted engine resume it.
    void this.store.saveRunRequest(runRequestOf(runId, workflow, options)).catch(() => undefined);
    void exec.save(); // queued runs are visible in the store too

    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = (): void => {
        this.cancel(
          runId,
          typeof signal.reason === 'string' ? signal.reason : 'aborted by the caller',
        );
      };
      if (signal.aborted) queueMicrotask(onAbort);
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        active.detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
    }
    void this.launch(active, loadOld);
    return { runId, done };
  }

  /**
   * Cancels a queued, waiting or running run: running jobs are stopped (graceful signal, then kill
   * after `stopGraceMs`) and marked `cancelled`, pending nodes `skipped`, the run `cancelled`, then
   * cleanup runs. Returns false when the run is unknown, finished, or already stopping.
   */
  cancel(runId: string, reason?: string): boolean {
    const active = this.active.get(runId);
    if (active === undefined) return false;
    const { exec } = active;
    if (exec.scope.aborted || isTerminal(exec.state.status)) return false;
    const why =
      reason === undefined || reason === '' ? 'run cancelled' : `run cancelled: ${reason}`;
    exec.scope.abort({ kind: 'cancel', reason: why });
    if (!active.begun && exec.state.status === 'queued') {
      if (active.group !== undefined) this.groups.release(active.group, runId);
      this.endUnstarted(active, 'cancelled', why);
    }
    return true;
  }

  /**
   * Approves or rejects the pause stage `stage` of a waiting run.
   *
   * @throws UserError `RUN_NOT_FOUND` for an unknown run; `STAGE_NOT_WAITING` when that stage is
   *   not waiting for a decision (not reached yet, already decided, or not a pause stage).
   */
  decide(runId: string, stage: string, decision: PauseDecision): void {
    const active = this.active.get(runId);
    const snapshot = active?.exec.state.snapshot ?? this.finished.get(runId);
    if (snapshot === undefined) throw new UserError(ErrorCode.runNotFound, `no run ${runId}`);
    const pending = active?.exec.pending;
    if (pending === undefined || pending.stage !== stage) {
      const found = snapshot.stages.find((s) => s.name === stage);
      const what = found === undefined ? 'there is no such stage' : `it is ${found.status}`;
      throw new UserError(
        ErrorCode.stageNotWaiting,
        `stage "${stage}" of run ${runId} is not waiting for approval (${what})`,
        { details: { runId, stage } },
      );
    }
    pending.resolve(decision);
  }

  /** Adds a live observer of events and log lines (in store order); returns its removal. */
  observe(observer: EngineObserver): () => void {
    return this.outbox.observe(observer);
  }

  /**
   * Resumes the runs a previous engine process left unfinished in the store. Call it once, when
   * the engine starts, with the store, log sink and orchestrator that process used; it returns a
   * handle per resumed run (`done` as for {@link start}). Runs this engine already knows are left
   * alone.
   *
   * What it guarantees (docs/design.md §6: nothing runs twice, no run is left running forever):
   * - The state is rebuilt from the run's stored events (the source of truth) on the definition
   *   saved with it (`RunStore.saveRunRequest`); new events continue the store's numbering.
   * - A stage, action or job that had ended keeps its result and is not run again; outputs of
   *   succeeded jobs feed data links as before.
   * - A job attempt that was running is found again through `orchestrator.reattach({ runId })`,
   *   matched by its labels and deterministic job id (also an attempt started just before the
   *   crash whose `running` event was never stored). It is not started again: its log is
   *   followed from where the log sink ends (`LogOptions.sinceTime`/`skipAtSinceTime`, so each
   *   line is stored once and the attempt's line numbering continues), its earlier `[COUT]`
   *   outputs are read back from the sink, and its exit is collected (an attempt that ended
   *   meanwhile is collected at once). Then the run continues: later jobs and stages run.
   * - A running attempt the backend no longer knows fails with "lost during engine restart";
   *   the job's retries apply. A job that was waiting between attempts starts its next one.
   * - A pause stage waiting for approval waits again; queued runs queue again (without
   *   superseding their concurrency group a second time); a run whose engine died during
   *   cleanup is cleaned up and ended; a run whose request was never saved is ended `failed`
   *   and its backend objects cleaned up.
   *
   * Limits: timeouts (job, stage, run, approval) start again from the recovery; the caller's
   * AbortSignal is gone; a pre hook is not re-run for a resumed attempt. A job's backend object
   * is removed only once its result event is stored, so "lost" means lost, unless the store
   * refused that event (the outbox gave up after retries). Resuming a log is exact per stream;
   * across stdout and stderr it relies on the backend storing lines in stamp order (a line of
   * one stream stored after, but stamped before, the other stream's last stored line would be
   * skipped; each orchestrator's README says how its backend orders them). A run is found only
   * once its first snapshot is stored (at `start`). Backends that cannot re-attach (`local`)
   * lose their running attempts.
   *
   * Server replicas take over another replica's runs with `options.only`: the ids of the runs
   * to resume (the others are left alone, whoever drives them).
   *
   * @throws whatever the store or `orchestrator.reattach` throws, before any run is touched
   *   (call it again once they answer).
   */
  async recover(options: { readonly only?: ReadonlySet<string> } = {}): Promise<RunHandle[]> {
    const only = options.only;
    const plans = await planRecovery({
      store: this.store,
      logs: this.logs,
      orchestrator: this.services.orchestrator,
      ...(only === undefined ? {} : { only: (runId: string) => only.has(runId) }),
    });
    const handles: RunHandle[] = [];
    for (const plan of plans) {
      const { runId } = plan.snapshot;
      if (!this.active.has(runId) && !this.finished.has(runId)) handles.push(this.adopt(plan));
    }
    return handles;
  }

  /**
   * A copy of the snapshot of a run this engine is running, queued, or finished recently (the
   * last 256). Older runs: `store.getRun`.
   */
  getRun(runId: string): RunSnapshot | undefined {
    const snapshot = this.active.get(runId)?.exec.state.snapshot ?? this.finished.get(runId);
    return snapshot === undefined ? undefined : copySnapshot(snapshot);
  }

  /** `recovered`: resumed by {@link recover}; it already superseded its group's runs once. */
  private async launch(
    active: ActiveRun,
    loadOld: string | undefined,
    recovered = false,
  ): Promise<void> {
    const { exec, workflow } = active;
    if (loadOld !== undefined) {
      try {
        const old = await this.store.getRun(loadOld);
        if (old === undefined) throw rerunNotFound(loadOld);
        const plan = planRerun(old, workflow);
        exec.reused = plan.reused;
        exec.state.snapshot.workspaceRunId = plan.workspaceRunId;
        exec.orchestratorRun = this.orchestratorRun(workflow, exec.runId, plan.workspaceRunId);
      } catch (error) {
        if (exec.state.status !== 'queued') return; // cancelled meanwhile
        const reason =
          error instanceof ContainerOpsError ? `${error.code}: ${error.message}` : messageOf(error);
        exec.state.setRun('running');
        this.endUnstarted(active, 'failed', reason);
        return;
      }
      if (exec.state.status !== 'queued') return;
    }
    const policy = workflow.concurrency;
    if (policy !== undefined) {
      if (policy.cancelInProgress && !recovered) {
        const { running, queued } = this.groups.members(policy.group);
        const why = `superseded by run ${exec.runId} in concurrency group "${policy.group}"`;
        for (const id of [...queued, ...running]) this.cancel(id, why);
      }
      if (
        !this.groups.acquire(
          policy.group,
          policy.limit,
          exec.runId,
          () => void this.execute(active),
        )
      )
        return;
    }
    await this.execute(active);
  }

  private async execute(active: ActiveRun): Promise<void> {
    active.begun = true;
    await this.executor.run(active.exec);
    await this.finish(active);
  }

  /** Registers a run as active; `done` resolves when {@link finish} ends it. */
  private track(
    exec: RunExecution,
    workflow: WorkflowDefinition,
  ): { readonly active: ActiveRun; readonly done: Promise<RunSnapshot> } {
    let resolve: (snapshot: RunSnapshot) => void = () => undefined;
    const done = new Promise<RunSnapshot>((r) => {
      resolve = r;
    });
    const group = workflow.concurrency?.group;
    const active: ActiveRun = {
      exec,
      workflow,
      resolve,
      begun: false,
      ...(group === undefined ? {} : { group }),
    };
    this.active.set(exec.runId, active);
    return { active, done };
  }

  /** Takes over one run planned by {@link recover}. */
  private adopt(plan: RecoveryPlan): RunHandle {
    const { snapshot, request } = plan;
    const { runId } = snapshot;
    const state = new RunState(snapshot, (event) => this.record(event));
    if (request === undefined) return { runId, done: this.abandon(state) };
    const { workflow } = request;
    const exec = new RunExecution(
      this.services,
      workflow,
      state,
      new StopScope(),
      startOptionsOf(request),
      plan.reused,
      this.orchestratorRun(workflow, runId, snapshot.workspaceRunId),
    );
    const { active, done } = this.track(exec, workflow);
    if (isTerminal(state.status)) {
      // Its last events were stored but not its final snapshot.
      active.begun = true;
      void this.finish(active);
    } else if (state.status === 'queued' && plan.jobs.size === 0) {
      const rerun = request.rerun;
      void this.launch(active, rerun?.fromFailed === true ? rerun.runId : undefined, true);
    } else {
      exec.recovery = applyRecovery(exec, plan.jobs, plan.orphans);
      void exec.save(); // the rebuilt state, at once
      void this.launch(active, undefined, true);
    }
    return { runId, done };
  }

  /**
   * Queues a state change. A run that starts running (or runs again after a pause) also saves its
   * snapshot: the stored status is what run lists and counts filter on, and stage ends alone
   * would leave it `queued` (or `waiting`) while the first stage after it runs.
   */
  private record(event: NewEngineEvent): void {
    this.outbox.emit(event);
    if (event.scope === 'run' && event.status === 'running')
      void this.active.get(event.runId)?.exec.save();
  }

  /** Ends a run that cannot be resumed (its request was never saved) and frees its objects. */
  private async abandon(state: RunState): Promise<RunSnapshot> {
    const { snapshot } = state;
    state.forceEnd(
      'failed',
      'could not resume the run after an engine restart: its request was not saved',
    );
    const run: RunContext = {
      runId: snapshot.runId,
      workflow: snapshot.workflow,
      labels: { [JobLabel.managed]: 'true', [JobLabel.runId]: snapshot.runId },
      ...(snapshot.workspaceRunId === undefined ? {} : { workspaceRunId: snapshot.workspaceRunId }),
    };
    const keepWorkspace = snapshot.keepWorkspace === true;
    await this.services.orchestrator.cleanup(run, { keepWorkspace }).catch(() => undefined);
    await this.outbox.flushed();
    await this.store.saveRun(snapshot).catch(() => undefined);
    this.finished.set(snapshot.runId, snapshot);
    return copySnapshot(snapshot);
  }

  /** Ends a run that never began executing (cancelled in the queue, refused re-run). */
  private endUnstarted(active: ActiveRun, status: 'cancelled' | 'failed', reason: string): void {
    active.begun = true;
    const { state } = active.exec;
    for (const stage of state.snapshot.stages) state.skipStage(stage.name, reason);
    state.setRun(status, { reason });
    void this.finish(active);
  }

  private async finish(active: ActiveRun): Promise<void> {
    const { exec } = active;
    active.detachSignal?.();
    exec.scope.dispose();
    await this.outbox.flushed();
    await exec.save();
    const snapshot = exec.state.snapshot;
    this.active.delete(exec.runId);
    this.finished.set(exec.runId, snapshot);
    if (this.finished.size > FINISHED_KEPT) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
    if (active.group !== undefined) this.groups.release(active.group, exec.runId);
    active.resolve(copySnapshot(snapshot));
  }

  private orchestratorRun(
    workflow: WorkflowDefinition,
    runId: string,
    workspaceRunId: string | undefined,
  ): RunContext {
    return {
      runId,
      workflow: workflow.uri,
      labels: {
        [JobLabel.managed]: 'true',
        [JobLabel.runId]: runId,
        [JobLabel.workflow]: toLabelValue(workflow.uri),
      },
      ...(workspaceRunId === undefined ? {} : { workspaceRunId }),
    };
  }
}
