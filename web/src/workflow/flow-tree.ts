/**
 * The drawable shape shared by the editor, the workflow page and the run page: stages → actions
 * → jobs with optional live status. Built from an editor graph or from a run's state.
 */
import type { FanOutCounts, NodeStatus, Run } from '../api/types.js';
import type { WorkflowGraph } from './graph-model.js';
import {
  actionNameInfo,
  jobNames,
  jobOutputs,
  sequencing,
  stageName,
  stageType,
} from './node-fields.js';
import type { StageType } from './node-fields.js';

export interface TreeJob {
  readonly id: string;
  readonly name: string;
  /** `stage.action.job`. */
  readonly path: string;
  readonly outputs: readonly string[];
  readonly status?: NodeStatus;
  readonly durationMs?: number | null;
  readonly attempt?: number;
  /** Set on a job that fans out: drawn as one node with counts, not one node per instance. */
  readonly fanOut?: FanOutCounts;
}

export interface TreeAction {
  readonly id: string;
  readonly name: string;
  /** The file gave no name, or repeated a sibling's: the engine runs it under this generated one. */
  readonly generated?: boolean;
  readonly path: string;
  readonly jobs: readonly TreeJob[];
  readonly status?: NodeStatus;
}

export interface TreeStage {
  readonly id: string;
  readonly name: string;
  readonly type: StageType;
  readonly parallel: boolean;
  readonly actions: readonly TreeAction[];
  readonly status?: NodeStatus;
  readonly durationMs?: number | null;
}

export function treeFromGraph(graph: WorkflowGraph): TreeStage[] {
  return graph.stages.items.map((stage, si) => {
    const sName = stageName(stage, si);
    const aInfo = actionNameInfo(stage);
    const aNames = aInfo.map((a) => a.name);
    return {
      id: stage.id,
      name: sName,
      type: stageType(stage),
      parallel: sequencing(stage) === 'parallel',
      actions: stage.actions.items.map((action, ai) => {
        const aPath = `${sName}.${aNames[ai]}`;
        const jNames = jobNames(action);
        return {
          id: action.id,
          name: aNames[ai] ?? '',
          ...(aInfo[ai]?.generated === true ? { generated: true } : {}),
          path: aPath,
          jobs: action.jobs.items.map((job, ji) => ({
            id: job.id,
            name: jNames[ji] ?? '',
            path: `${aPath}.${jNames[ji]}`,
            outputs: jobOutputs(job),
          })),
        };
      }),
    };
  });
}

/**
 * A run's state as a tree (node ids are paths). `parallelStages` names the stages whose actions
 * run in parallel (from the workflow version's model; the run state does not carry it).
 */
export function treeFromRun(run: Run, parallelStages: ReadonlySet<string>): TreeStage[] {
  return run.stages.map((stage) => ({
    id: stage.name,
    name: stage.name,
    type: stage.type.toLowerCase() as StageType,
    parallel: parallelStages.has(stage.name),
    status: stage.status,
    durationMs: stage.durationMs,
    actions: stage.actions.map((action) => ({
      id: action.path,
      name: action.name,
      path: action.path,
      status: action.status,
      jobs: action.jobs.map((job) => ({
        id: job.path,
        name: job.name,
        path: job.path,
        outputs: Object.keys(job.outputs ?? {}),
        status: job.status,
        durationMs: job.durationMs,
        attempt: job.attempt,
        ...(job.fanOut ? { fanOut: job.fanOut } : {}),
      })),
    })),
  }));
}
