/**
 * Runs one action: its jobs one after another. The first job that does not succeed (failed,
 * timed out, cancelled) ends the action with that status; the jobs after it are `skipped`.
 * Jobs skipped as inactive or by their pre hook do not stop the action.
 */
import type { ActionDefinition, StageDefinition } from '../definition/model.js';
import type { JobExecutor, NodeResult } from './job-executor.js';
import type { RunExecution } from './run-execution.js';
import type { NodeStatus } from './status.js';
import { deadline, stoppedStatus } from './timeouts.js';
import type { StopScope } from './timeouts.js';

/** Statuses that stop the enclosing action/stage/run. */
export function isFailure(status: NodeStatus): boolean {
  return status === 'failed' || status === 'timed_out' || status === 'cancelled';
}

export class ActionExecutor {
  constructor(private readonly jobs: JobExecutor) {}

  /** Never rejects. `stageScope` is the enclosing stage's (or its sibling group's) scope. */
  async run(
    exec: RunExecution,
    stage: StageDefinition,
    action: ActionDefinition,
    stageScope: StopScope,
  ): Promise<NodeResult> {
    const path = `${stage.name}.${action.name}`;
    const { state } = exec;
    const recorded = exec.recovery?.recorded(state.action(path)); // ended before a restart
    if (recorded !== undefined) return recorded;
    if (!action.active) {
      state.skipAction(path, 'inactive');
      return { status: 'skipped', reason: 'inactive' };
    }
    // An action that was running before a restart is not skipped: its jobs end it below.
    const before = stageScope.cause();
    if (before !== undefined && state.action(path).status === 'pending') {
      state.skipAction(path, before.reason);
      return { status: 'skipped', reason: before.reason };
    }
    if (state.action(path).status !== 'running') state.setAction(path, 'running');
    const scope = stageScope.child(deadline('action', path, action.timeoutMs));
    try {
      let failure: { readonly path: string; readonly result: NodeResult } | undefined;
      let stopped = false;
      // The previous job's backend object is released while the next job runs: at most one such
      // release is outstanding, and the action ends only after the last one.
      let releasing: Promise<void> | undefined;
      for (const job of action.jobs) {
        const result = await this.jobs.run(exec, stage, action, job, scope);
        if (releasing !== undefined) await releasing;
        releasing = result.released;
        if (isFailure(result.status)) {
          failure = { path: `${path}.${job.name}`, result };
          break;
        }
        if (result.status === 'skipped' && scope.aborted) {
          stopped = true;
          break;
        }
      }
      if (releasing !== undefined) await releasing;
      const cause = scope.cause();
      let result: NodeResult;
      if (failure === undefined && !stopped) {
        result = { status: 'succeeded' };
      } else if (cause !== undefined) {
        result = { status: stoppedStatus(cause), reason: cause.reason };
      } else if (failure !== undefined) {
        const { status, reason } = failure.result;
        result = { status, reason: `${failure.path}: ${reason ?? status}` };
      } else {
        result = { status: 'failed', reason: 'stopped' };
      }
      const skipReason =
        failure === undefined
          ? (cause?.reason ?? 'stopped')
          : `not run: ${failure.path} ${failure.result.status}`;
      state.skipAction(path, skipReason);
      state.setAction(
        path,
        result.status,
        result.reason === undefined ? {} : { reason: result.reason },
      );
      return result;
    } finally {
      scope.dispose();
    }
  }
}
