/**
 * The live state of one run: its snapshot tree and the only way to change it. Every change is
 * checked against the transition tables of status.ts (a refused one is an engine bug and throws
 * UnexpectedError `INVALID_TRANSITION`) and emitted as one event, synchronously and in order.
 */
import type { WorkflowDefinition } from '../definition/model.js';
import { UnexpectedError } from '../errors.js';
import type { EventScope, FanOutProgress, NewEngineEvent } from './events.js';
import type {
  ActionRunSnapshot,
  FanOutSnapshot,
  InstanceSummary,
  JobRunSnapshot,
  LogTruncation,
  RunSnapshot,
  StageRunSnapshot,
} from './snapshot.js';
import { foldInstance, newFanOut } from './fan-out-state.js';
import { isTerminal, nodeTransitions, runTransitions } from './status.js';
import type { NodeStatus, RunStatus } from './status.js';

/** Optional details of a status change; they go both into the snapshot and the event. */
export interface StatusDetails {
  readonly reason?: string;
  readonly attempt?: number;
  readonly exitCode?: number | null;
  readonly outputs?: Readonly<Record<string, string>>;
  readonly data?: Readonly<Record<string, unknown>>;
  /** For a job's end (or retry wait): its attempt's log is incomplete; goes out as `data.logTruncated`. */
  readonly logTruncated?: LogTruncation;
}

export interface NewRunSnapshot {
  readonly runId: string;
  readonly workflow: WorkflowDefinition;
  readonly createdAt: number;
  readonly rerunOf?: string;
  readonly trigger?: Readonly<Record<string, unknown>>;
  readonly keepWorkspace?: boolean;
  readonly workspaceRunId?: string;
}

/** A fresh snapshot: the run `queued`, every stage, action and job `pending`. */
export function createRunSnapshot(init: NewRunSnapshot): RunSnapshot {
  const { workflow } = init;
  return {
    runId: init.runId,
    workflow: workflow.uri,
    workflowVersion: workflow.version,
    status: 'queued',
    createdAt: init.createdAt,
    ...(init.rerunOf === undefined ? {} : { rerunOf: init.rerunOf }),
    ...(init.trigger === undefined ? {} : { trigger: init.trigger }),
    ...(init.keepWorkspace === undefined ? {} : { keepWorkspace: init.keepWorkspace }),
    ...(init.workspaceRunId === undefined ? {} : { workspaceRunId: init.workspaceRunId }),
    lastSeq: 0,
    stages: workflow.stages.map((stage) => ({
      name: stage.name,
      type: stage.type,
      status: 'pending',
      actions: stage.actions.map((action) => {
        const actionPath = `${stage.name}.${action.name}`;
        return {
          name: action.name,
          path: actionPath,
          status: 'pending',
          jobs: action.jobs.map((job) => ({
            name: job.name,
            path: `${actionPath}.${job.name}`,
            status: 'pending',
            attempt: 0,
            outputs: {},
          })),
        };
      }),
    })),
  };
}

type Node = StageRunSnapshot | ActionRunSnapshot | JobRunSnapshot;

export class RunState {
  private readonly stages = new Map<string, StageRunSnapshot>();
  private readonly actions = new Map<string, ActionRunSnapshot>();
  private readonly jobs = new Map<string, JobRunSnapshot>();
  /** Started fan-out instances that have not ended: instance path → its fan-out job's path. */
  private readonly instanceParents = new Map<string, string>();
  /** Told of every transition of an instance of the fan-out job (by its path). */
  private readonly fanOutWatchers = new Map<string, () => void>();

  constructor(
    readonly snapshot: RunSnapshot,
    private readonly emit: (event: NewEngineEvent) => void,
    private readonly now: () => number = Date.now,
  ) {
    for (const stage of snapshot.stages) {
      this.stages.set(stage.name, stage);
      for (const action of stage.actions) {
        this.actions.set(action.path, action);
        for (const job of action.jobs) {
          this.jobs.set(job.path, job);
          // Instances that were running before an engine restart (rebuilt from events).
          for (const instance of Object.values(job.fanOut?.active ?? {})) {
            this.jobs.set(instance.path, instance);
            this.instanceParents.set(instance.path, job.path);
          }
        }
      }
    }
  }

  get runId(): string {
    return this.snapshot.runId;
  }

  get status(): RunStatus {
    return this.snapshot.status;
  }

  stage(name: string): StageRunSnapshot {
    return must(this.stages.get(name), 'stage', name);
  }

  action(path: string): ActionRunSnapshot {
    return must(this.actions.get(path), 'action', path);
  }

  job(path: string): JobRunSnapshot {
    return must(this.jobs.get(path), 'job', path);
  }

  /**
   * Starts the instance bookkeeping of fan-out job `path` (no event: the job's own `running`
   * event says it started).
   */
  initFanOut(path: string, total: number): FanOutSnapshot {
    const job = this.job(path);
    job.fanOut ??= newFanOut(total);
    job.fanOut.total = total;
    return job.fanOut;
  }

  /**
   * Adds a pending node for a fan-out instance about to start (it emits its own events), or
   * keeps the node it has (an instance resumed after an engine restart). Returns its path.
   */
  addInstance(parentPath: string, name: string): string {
    const fan = this.job(parentPath).fanOut;
    if (fan === undefined)
      throw new UnexpectedError('UNKNOWN_NODE', `${parentPath} has no fan-out`);
    const path = `${parentPath.slice(0, parentPath.lastIndexOf('.'))}.${name}`;
    // An instance resumed after an engine restart has its node already.
    if (fan.active[name] !== undefined) return path;
    const node: JobRunSnapshot = { name, path, status: 'pending', attempt: 0, outputs: {} };
    fan.active[name] = node;
    this.jobs.set(path, node);
    this.instanceParents.set(path, parentPath);
    fan.started += 1;
    return path;
  }

  /**
   * Calls `onChange` after every transition of an instance of fan-out job `path` (its events are
   * live-only: the fan-out reports them in its progress events). Returns the removal.
   */
  watchFanOut(path: string, onChange: () => void): () => void {
    this.fanOutWatchers.set(path, onChange);
    return () => {
      if (this.fanOutWatchers.get(path) === onChange) this.fanOutWatchers.delete(path);
    };
  }

  /**
   * Emits a progress event of fan-out job `path` (stored; not a status change: it carries the
   * job's current status). See {@link FanOutProgress}.
   */
  fanOutProgress(path: string, progress: FanOutProgress): void {
    const job = this.job(path);
    this.emitEvent('job', path, job.status, this.now(), {
      attempt: job.attempt,
      data: { fanOutProgress: progress },
    });
  }

  /**
   * Folds an ended instance into its fan-out's counts and summary and drops its node.
   * `keepOutputs`: keep its outputs in the summary (the job declares outputs).
   */
  endInstance(parentPath: string, path: string, keepOutputs: boolean): InstanceSummary {
    const fan = this.job(parentPath).fanOut as FanOutSnapshot;
    const node = this.job(path);
    this.jobs.delete(path);
    this.instanceParents.delete(path);
    return foldInstance(fan, node, keepOutputs);
  }

  /** Emits the run's first event (its current status, normally `queued`), with creation data. */
  announce(data: Readonly<Record<string, unknown>>): void {
    this.emitEvent('run', '', this.snapshot.status, this.snapshot.createdAt, { data });
  }

  /** Moves the run to `status`. */
  setRun(status: RunStatus, details: StatusDetails = {}): void {
    const run = this.snapshot;
    if (!runTransitions[run.status].includes(status)) {
      throw invalid('run', run.runId, run.status, status);
    }
    const time = this.now();
    run.status = status;
    if (status === 'running') run.startedAt ??= time;
    if (isTerminal(status)) run.finishedAt = time;
    if (details.reason !== undefined) run.reason = details.reason;
    this.emitEvent('run', '', status, time, details);
  }

  setStage(name: string, status: NodeStatus, details: StatusDetails = {}): void {
    this.setNode('stage', name, this.stage(name), status, details);
  }

  setAction(path: string, status: NodeStatus, details: StatusDetails = {}): void {
    this.setNode('action', path, this.action(path), status, details);
  }

  setJob(path: string, status: NodeStatus, details: StatusDetails = {}): void {
    const job = this.job(path);
    if (details.attempt !== undefined) job.attempt = details.attempt;
    if (details.exitCode !== undefined) job.exitCode = details.exitCode;
    if (details.outputs !== undefined) job.outputs = { ...details.outputs };
    if (status === 'running') {
      job.reason = undefined;
      job.logTruncated = undefined;
    }
    if (details.logTruncated !== undefined) job.logTruncated = details.logTruncated;
    this.setNode('job', path, job, status, details, job.attempt);
    const parent = this.instanceParents.get(path);
    if (parent !== undefined) this.fanOutWatchers.get(parent)?.();
  }

  /**
   * Records that lines of a job attempt were lost after its result was emitted (the outbox found
   * out while storing them; it marks the stored event itself). No event: not a status change.
   */
  noteLogTruncated(path: string, truncation: LogTruncation): void {
    const job = this.jobs.get(path);
    if (job !== undefined && job.attempt === truncation.attempt) job.logTruncated = truncation;
  }

  /** Records who approved or rejected a pause stage (the status change carries it too). */
  setDecision(name: string, decision: NonNullable<StageRunSnapshot['decision']>): void {
    this.stage(name).decision = decision;
  }

  /**
   * Records the backend handle of the job's running attempt (no event: not a status change). An
   * ended fan-out instance has no node any more (it is folded before its object is removed).
   */
  setBackendId(path: string, backendId: string | undefined): void {
    const job = this.jobs.get(path);
    if (job !== undefined) job.backendId = backendId;
    else if (!path.includes('[')) this.job(path);
  }

  /** Marks every still-pending action and job of a stage `skipped` with `reason`. */
  skipStage(name: string, reason: string): void {
    const stage = this.stage(name);
    if (stage.status === 'pending') this.setStage(name, 'skipped', { reason });
    for (const action of stage.actions) this.skipAction(action.path, reason);
  }

  /** Marks the action, if pending, and every pending job of it `skipped` with `reason`. */
  skipAction(path: string, reason: string): void {
    const action = this.action(path);
    if (action.status === 'pending') this.setAction(path, 'skipped', { reason });
    for (const job of action.jobs) {
      if (job.status === 'pending') this.setJob(job.path, 'skipped', { reason });
    }
  }

  /**
   * Last resort after an engine bug: ends every non-terminal node and the run with `status`,
   * bypassing the transition tables, so no run is ever left `running`.
   */
  forceEnd(status: 'failed' | 'cancelled' | 'timed_out', reason: string): void {
    for (const stage of this.snapshot.stages) {
      for (const action of stage.actions) {
        for (const job of action.jobs) this.forceNode('job', job.path, job, status, reason);
        this.forceNode('action', action.path, action, status, reason);
      }
      this.forceNode('stage', stage.name, stage, status, reason);
    }
    if (!isTerminal(this.snapshot.status)) {
      const time = this.now();
      this.snapshot.status = status;
      this.snapshot.reason = reason;
      this.snapshot.finishedAt = time;
      this.emitEvent('run', '', status, time, { reason });
    }
  }

  private forceNode(
    scope: EventScope,
    path: string,
    node: Node,
    status: NodeStatus,
    reason: string,
  ): void {
    if (isTerminal(node.status)) return;
    const final: NodeStatus = node.status === 'pending' ? 'skipped' : status;
    const time = this.now();
    node.status = final;
    node.reason = reason;
    node.finishedAt = time;
    this.emitEvent(scope, path, final, time, { reason });
  }

  private setNode(
    scope: EventScope,
    path: string,
    node: Node,
    status: NodeStatus,
    details: StatusDetails,
    attempt?: number,
  ): void {
    if (!nodeTransitions[node.status].includes(status)) {
      throw invalid(scope, path, node.status, status);
    }
    const time = this.now();
    node.status = status;
    if (status === 'running' || status === 'waiting') node.startedAt ??= time;
    if (isTerminal(status)) {
      node.finishedAt = time;
      if (status !== 'skipped') node.startedAt ??= time;
    }
    if (details.reason !== undefined) node.reason = details.reason;
    this.emitEvent(scope, path, status, time, details, attempt);
  }

  private emitEvent(
    scope: EventScope,
    path: string,
    status: RunStatus | NodeStatus,
    time: number,
    details: StatusDetails,
    attempt: number | undefined = details.attempt,
  ): void {
    const event: {
      -readonly [K in keyof NewEngineEvent]: NewEngineEvent[K];
    } = { runId: this.snapshot.runId, time, scope, path, status };
    if (attempt !== undefined && scope === 'job') event.attempt = attempt;
    // A fan-out instance's transitions are not stored (its fan-out's progress events are).
    if (scope === 'job' && this.instanceParents.has(path)) event.liveOnly = true;
    if (details.reason !== undefined) event.reason = details.reason;
    if (details.exitCode !== undefined) event.exitCode = details.exitCode;
    if (details.outputs !== undefined) event.outputs = details.outputs;
    if (details.data !== undefined) event.data = details.data;
    if (details.logTruncated !== undefined)
      event.data = Object.assign({}, details.data, { logTruncated: details.logTruncated });
    this.emit(event);
  }
}

function must<T>(node: T | undefined, kind: string, path: string): T {
  if (node === undefined)
    throw new UnexpectedError('UNKNOWN_NODE', `no ${kind} "${path}" in this run`);
  return node;
}

function invalid(scope: EventScope, path: string, from: string, to: string): UnexpectedError {
  const where = scope === 'run' ? `run ${path}` : `${scope} "${path}"`;
  return new UnexpectedError('INVALID_TRANSITION', `${where} cannot go from ${from} to ${to}`, {
    details: { scope, path, from, to },
  });
}
