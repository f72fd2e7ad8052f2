/**
 * Runs one stage. `start`/`end` are markers that succeed at once; `pause` waits for a decision
 * (pause-stage.ts); `normal` runs its actions by `sequencing`:
 * - `sequence`: one after another; the first action that does not succeed ends the stage with its
 *   status, the actions after it are `skipped`;
 * - `parallel`: all at once; the first failure cancels the still-running siblings (`cancelled`,
 *   their pending jobs `skipped`) and ends the stage with the failure's status.
 * A stage timeout stops everything inside (running jobs `timed_out`, pending ones `skipped`).
 */
import type { StageDefinition } from '../definition/model.js';
import type { ActionExecutor } from './action-executor.js';
import { isFailure } from './action-executor.js';
import type { NodeResult } from './job-executor.js';
import { runPauseStage } from './pause-stage.js';
import type { RunExecution } from './run-execution.js';
import { deadline, stoppedStatus } from './timeouts.js';
import type { StopScope } from './timeouts.js';

export class StageExecutor {
  constructor(private readonly actions: ActionExecutor) {}

  /** Never rejects (bugs aside); the stage ends in a terminal status. */
  async run(exec: RunExecution, stage: StageDefinition, runScope: StopScope): Promise<NodeResult> {
    const { state } = exec;
    const name = stage.name;
    const recorded = exec.recovery?.recorded(state.stage(name)); // ended before a restart
    if (recorded !== undefined) return recorded;
    if (!stage.active) {
      state.skipStage(name, 'inactive');
      return { status: 'skipped', reason: 'inactive' };
    }
    // A stage that was running or waiting before a restart is not skipped: its nodes end it.
    const before = runScope.cause();
    if (before !== undefined && state.stage(name).status === 'pending') {
      state.skipStage(name, before.reason);
      return { status: 'skipped', reason: before.reason };
    }
    if (stage.type === 'pause') return runPauseStage(exec, stage, runScope);
    if (stage.type !== 'normal') {
      for (const action of stage.actions)
        state.skipAction(`${name}.${action.name}`, `${stage.type} stages run no actions`);
      state.setStage(name, 'succeeded');
      return { status: 'succeeded' };
    }

    if (state.stage(name).status !== 'running') state.setStage(name, 'running');
    const scope = runScope.child(deadline('stage', name, stage.timeoutMs));
    try {
      const failure =
        stage.sequencing === 'parallel'
          ? await this.parallel(exec, stage, scope)
          : await this.sequence(exec, stage, scope);
      const cause = scope.cause();
      let result: NodeResult;
      if (failure === undefined) result = { status: 'succeeded' };
      else if (cause !== undefined) result = { status: stoppedStatus(cause), reason: cause.reason };
      else result = failure;
      state.skipStage(
        name,
        failure === undefined ? 'stopped' : `not run: ${failure.reason ?? failure.status}`,
      );
      state.setStage(
        name,
        result.status,
        result.reason === undefined ? {} : { reason: result.reason },
      );
      return result;
    } finally {
      scope.dispose();
    }
  }

  /** Returns the first failure, or undefined when every action succeeded or was skipped. */
  private async sequence(
    exec: RunExecution,
    stage: StageDefinition,
    scope: StopScope,
  ): Promise<NodeResult | undefined> {
    let failure: NodeResult | undefined;
    for (const action of stage.actions) {
      const path = `${stage.name}.${action.name}`;
      if (failure !== undefined) {
        exec.state.skipAction(path, `not run: ${stage.name} stopped after a failure`);
        continue;
      }
      const result = await this.actions.run(exec, stage, action, scope);
      const cause = scope.cause();
      if (isFailure(result.status)) failure = result;
      else if (result.status === 'skipped' && cause !== undefined) {
        failure = { status: stoppedStatus(cause), reason: cause.reason };
      }
    }
    return failure;
  }

  private async parallel(
    exec: RunExecution,
    stage: StageDefinition,
    scope: StopScope,
  ): Promise<NodeResult | undefined> {
    const siblings = scope.child();
    let failure: NodeResult | undefined;
    try {
      await Promise.all(
        stage.actions.map(async (action) => {
          const result = await this.actions.run(exec, stage, action, siblings);
          if (!isFailure(result.status) || failure !== undefined) return;
          failure = result;
          siblings.abort({
            kind: 'cancel',
            reason: `cancelled: ${stage.name}.${action.name} ${result.status}`,
          });
        }),
      );
    } finally {
      siblings.dispose();
    }
    return failure;
  }
}
