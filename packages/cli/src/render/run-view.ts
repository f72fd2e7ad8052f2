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
import { isTerminal, jobPath } from '@containerops/core';

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

/** Mutable view of one run; `apply` events in `seq` order. */
export class RunView {
  readonly workflow: WorkflowDefinition;
  readonly stages: StageView[];
  readonly run: RunViewState = { status: 'queued' };
  private readonly nodes = new Map<string, StageView | ActionView | JobView>();

  constructor(workflow: WorkflowDefinition) {
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
    if (node === undefined) return undefined;
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
    track(node, event.status, event.time);
    return node;
  }

  /** Jobs that ended in failure, timeout or cancellation, in workflow order. */
  unsuccessfulJobs(): JobView[] {
    return this.jobs().filter(
      (j) => j.status === 'failed' || j.status === 'timed_out' || j.status === 'cancelled',
    );
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
