/**
 * The run as the CLI shows it: the workflow's tree of stages, actions and jobs with the status,
 * times and reason the engine's events gave each node. Built from the definition so the whole tree
 * (pending nodes included) is known before the first event.
 */
import type {
  AnyStatus,
  EngineEvent,
  EventScope,
  NodeStatus,
  RunStatus,
  StageType,
  WorkflowDefinition,
} from '@containerops/core';
import { fanOutProgressOf, isTerminal, jobPath } from '@containerops/core';
import { FanOutView } from './fan-out-view.js';

export interface NodeView {
  readonly scope: Exclude<EventScope, 'run'>;
  readonly name: string;
  /** `stage`, `stage.action` or `stage.action.job`. */
  readonly path: string;
  status: NodeStatus;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
}

export interface JobView extends NodeView {
  readonly scope: 'job';
  attempt: number;
  /** Attempts allowed: 1 + retries. */
  readonly maxAttempts: number;
  exitCode?: number | null;
  /** Set on a job that fans out: its instances counted (they have no line of their own). */
  readonly fanOut?: FanOutView;
}

export interface ActionView extends NodeView {
  readonly scope: 'action';
  readonly jobs: JobView[];
}

export interface StageView extends NodeView {
  readonly scope: 'stage';
  readonly type: StageType;
  readonly actions: ActionView[];
}

export interface RunViewState {
  runId?: string;
  status: RunStatus;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
}

/** Where a fan-out's total comes from while it runs (the engine's state, when at hand). */
export type FanOutTotal = (jobPath: string) => number | undefined;

/** Mutable view of one run; `apply` events in `seq` order. */
export class RunView {
  readonly workflow: WorkflowDefinition;
  readonly stages: StageView[];
  readonly run: RunViewState = { status: 'queued' };
  private readonly nodes = new Map<string, StageView | ActionView | JobView>();

  /**
   * @param fanOutTotal asked for a fan-out's total until it answers; without it the total is
   *   known when the fan-out ends (its `fan-out.total` output).
   */
  constructor(
    workflow: WorkflowDefinition,
    private readonly fanOutTotal?: FanOutTotal,
  ) {
    this.workflow = workflow;
    this.stages = workflow.stages.map((stage) => {
      const stageView: StageView = {
        scope: 'stage',
        name: stage.name,
        path: stage.name,
        type: stage.type,
        status: 'pending',
        actions: stage.actions.map((action) => {
          const actionPath = `${stage.name}.${action.name}`;
          const actionView: ActionView = {
            scope: 'action',
            name: action.name,
            path: actionPath,
            status: 'pending',
            jobs: action.jobs.map((job) => {
              const jobView: JobView = {
                scope: 'job',
                name: job.name,
                path: jobPath(stage.name, action.name, job.name),
                status: 'pending',
                attempt: 0,
                maxAttempts: 1 + job.retry.limit,
                ...(job.fanOut === undefined
                  ? {}
                  : { fanOut: new FanOutView(1 + job.retry.limit) }),
              };
              this.nodes.set(jobView.path, jobView);
              return jobView;
            }),
          };
          this.nodes.set(actionPath, actionView);
          return actionView;
        }),
      };
      this.nodes.set(stage.name, stageView);
      return stageView;
    });
  }

  /** Applies one event; returns the node it changed, the run for run events, or undefined. */
  apply(event: EngineEvent): StageView | ActionView | JobView | RunViewState | undefined {
    if (event.scope === 'run') {
      this.run.runId = event.runId;
      this.run.status = event.status as RunStatus;
      if (event.reason !== undefined) this.run.reason = event.reason;
      track(this.run, event.status, event.time);
      return this.run;
    }
    const node = this.nodes.get(event.path);
    if (node === undefined) return event.scope === 'job' ? this.applyInstance(event) : undefined;
    // A fan-out job's progress event: its instances' state, no change of its own status.
    const progress = node.scope === 'job' ? fanOutProgressOf(event) : undefined;
    if (progress !== undefined && node.scope === 'job') {
      node.fanOut?.progress(progress);
      return node;
    }
    node.status = event.status as NodeStatus;
    if (event.reason !== undefined) node.reason = event.reason;
    if (node.scope === 'job') {
      if (event.attempt !== undefined) node.attempt = event.attempt;
      if (event.exitCode !== undefined) node.exitCode = event.exitCode;
      // A retry starts afresh: the previous attempt's reason and end no longer apply.
      if (event.status === 'running') {
        delete node.finishedAt;
        if (event.reason === undefined) delete node.reason;
      }
    }
    if (node.scope === 'job' && node.fanOut !== undefined && isTerminal(event.status)) {
      const total = Number(event.outputs?.['fan-out.total']);
      node.fanOut.end(Number.isInteger(total) ? total : this.fanOutTotal?.(node.path));
    }
    track(node, event.status, event.time);
    return node;
  }

  /**
   * An event of a fan-out instance (`stage.action.job[...]`): counted on its job, which it
   * returns; undefined when the path is no instance of a fan-out job here.
   */
  private applyInstance(event: EngineEvent): JobView | undefined {
    const bracket = event.path.indexOf('[');
    if (bracket < 0) return undefined;
    // Axis values may hold dots: the action path ends at the last dot before the bracket.
    const dot = event.path.lastIndexOf('.', bracket);
    const name = event.path.slice(dot + 1);
    const parent = this.nodes.get(
      `${event.path.slice(0, dot)}.${name.slice(0, name.indexOf('['))}`,
    );
    if (parent?.scope !== 'job' || parent.fanOut === undefined) return undefined;
    const fan = parent.fanOut;
    fan.total ??= this.fanOutTotal?.(parent.path);
    fan.apply(name, event.status, event.attempt, event.reason);
    return parent;
  }

  /** Jobs that ended in failure, timeout or cancellation, in workflow order. */
  unsuccessfulJobs(): JobView[] {
    return this.jobs().filter(
      (j) => j.status === 'failed' || j.status === 'timed_out' || j.status === 'cancelled',
    );
  }

  /** The fan-out jobs' instance counts, by job path. */
  fanOuts(): Map<string, FanOutView> {
    const out = new Map<string, FanOutView>();
    for (const job of this.jobs()) if (job.fanOut !== undefined) out.set(job.path, job.fanOut);
    return out;
  }

  jobs(): JobView[] {
    return this.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs));
  }
}

function track(
  node: { startedAt?: number; finishedAt?: number },
  status: AnyStatus,
  time: number,
): void {
  if (status === 'running' && node.startedAt === undefined) node.startedAt = time;
  if (isTerminal(status) && node.finishedAt === undefined) node.finishedAt = time;
}
