/**
 * Re-run from the failed job: which jobs of an earlier run are kept (not executed again) and
 * whose workspace the new run uses.
 */
import type { WorkflowDefinition } from '../definition/model.js';
import { ErrorCode, UserError } from '../errors.js';
import type { ReusedJob } from './run-execution.js';
import type { JobRunSnapshot, RunSnapshot } from './snapshot.js';
import { isTerminal } from './status.js';

export interface RerunPlan {
  /** Kept jobs by path: marked succeeded with their old outputs. */
  readonly reused: ReadonlyMap<string, ReusedJob>;
  /** The run whose kept workspace the re-run uses. */
  readonly workspaceRunId: string;
}

/**
 * Plans a re-run of `old` from its first failed job. Within each action, the jobs that succeeded
 * before its first job that did not (inactive ones aside) are kept; everything from there on runs
 * again, except the instances of a fan-out job that succeeded (kept by instance path). Later stages were skipped in the old run, so they run again entirely.
 *
 * @throws UserError `RERUN_NOT_POSSIBLE` when the run is another workflow's, has not ended,
 *   succeeded, or did not keep its workspace.
 */
export function planRerun(old: RunSnapshot, workflow: WorkflowDefinition): RerunPlan {
  const refuse = (why: string): never => {
    throw new UserError(
      ErrorCode.rerunNotPossible,
      `cannot re-run run ${old.runId} from its failed job: ${why}`,
      {
        details: { runId: old.runId },
      },
    );
  };
  if (old.workflow !== workflow.uri) refuse(`it ran workflow ${old.workflow}, not ${workflow.uri}`);
  if (!isTerminal(old.status)) refuse(`it is still ${old.status}; wait for it to end or cancel it`);
  if (old.status === 'succeeded')
    refuse('it succeeded; start a plain re-run (fromFailed: false) instead');
  if (old.keepWorkspace !== true) {
    refuse(
      'its workspace was not kept (start runs with keepWorkspace to re-run them from the failed job); ' +
        'start a plain re-run (fromFailed: false) instead',
    );
  }
  const reused = new Map<string, ReusedJob>();
  for (const stage of old.stages) {
    for (const action of stage.actions) {
      for (const job of action.jobs) {
        if (job.status === 'skipped' && job.reason === 'inactive') continue;
        if (job.status !== 'succeeded') {
          // A fan-out keeps its instances that succeeded: only the others run again.
          keepInstances(job, action.path, old.runId, reused);
          break;
        }
        reused.set(job.path, { outputs: { ...job.outputs }, fromRunId: old.runId });
      }
    }
  }
  return { reused, workspaceRunId: old.workspaceRunId ?? old.runId };
}

/** Adds the succeeded instances of fan-out job `job` to `reused`, by instance path. */
function keepInstances(
  job: JobRunSnapshot,
  actionPath: string,
  fromRunId: string,
  reused: Map<string, ReusedJob>,
): void {
  for (const instance of job.fanOut?.instances ?? []) {
    if (instance.status !== 'succeeded') continue;
    reused.set(`${actionPath}.${instance.name}`, {
      outputs: { ...instance.outputs },
      fromRunId:
        instance.reason?.startsWith('reused from run ') === true
          ? instance.reason.slice('reused from run '.length)
          : fromRunId,
    });
  }
}

/** The error for a re-run whose earlier run cannot be found. */
export function rerunNotFound(runId: string): UserError {
  return new UserError(
    ErrorCode.rerunNotPossible,
    `cannot re-run run ${runId}: no such run in the store`,
    {
      details: { runId },
    },
  );
}
