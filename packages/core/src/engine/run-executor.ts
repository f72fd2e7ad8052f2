/**
 * Runs a whole run once it may start: prepares the orchestrator, runs the stages strictly in
 * order (the first stage that does not succeed ends the run with its status; later stages are
 * `skipped`), enforces the run timeout, cleans up, and emits the run's terminal event. A bug
 * anywhere below ends the run `failed` with "internal error" instead of leaving it running.
 */
import { isFailure } from './action-executor.js';
import type { NodeResult } from './job-executor.js';
import { messageOf } from './job-environment.js';
import type { RunExecution } from './run-execution.js';
import type { StageExecutor } from './stage-executor.js';
import type { RunStatus } from './status.js';
import { isTerminal } from './status.js';
import { deadline, stoppedStatus } from './timeouts.js';

export class RunExecutor {
  constructor(private readonly stages: StageExecutor) {}

  /** Never rejects. Resolves once the run is terminal and its cleanup has run. */
  async run(exec: RunExecution): Promise<void> {
    const { state, workflow } = exec;
    const { orchestrator } = exec.services;
    const scope = exec.scope.child(deadline('run', '', workflow.timeoutMs));
    let final: { status: RunStatus; reason?: string } = { status: 'succeeded' };
    let prepared = false;
    try {
      // A run resumed after an engine restart is running or waiting already.
      if (state.status === 'queued') state.setRun('running');
      try {
        await orchestrator.prepare(exec.orchestratorRun);
        prepared = true;
      } catch (error) {
        final = {
          status: 'failed',
          reason: `the ${orchestrator.name} orchestrator could not prepare the run: ${messageOf(error)}`,
        };
      }
      let failure: { readonly stage: string; readonly result: NodeResult } | undefined;
      if (!prepared)
        failure = {
          stage: '',
          result: { status: 'failed', reason: final.reason ?? 'not prepared' },
        };
      for (const stage of workflow.stages) {
        if (failure !== undefined) {
          const why =
            failure.stage === ''
              ? (failure.result.reason ?? 'not run')
              : `not run: stage "${failure.stage}" ${failure.result.status}`;
          state.skipStage(stage.name, why);
          continue;
        }
        const result = await this.stages.run(exec, stage, scope);
        if (isFailure(result.status) || (result.status === 'skipped' && scope.aborted)) {
          failure = { stage: stage.name, result };
        }
        if (stage.type === 'normal') void exec.save();
      }
      const cause = scope.cause();
      if (!prepared) {
        // final already says why
      } else if (failure !== undefined && cause !== undefined) {
        final = { status: stoppedStatus(cause), reason: cause.reason };
      } else if (failure !== undefined) {
        const { status, reason } = failure.result;
        final = {
          status: status === 'skipped' ? 'failed' : (status as RunStatus),
          reason: reason ?? status,
        };
      }
    } catch (error) {
      state.forceEnd('failed', `internal error: ${messageOf(error)}`);
    } finally {
      scope.dispose();
    }
    const data: Record<string, unknown> = {};
    try {
      await orchestrator.cleanup(exec.orchestratorRun, {
        keepWorkspace: exec.options.keepWorkspace === true,
      });
    } catch (error) {
      data['cleanupError'] = messageOf(error);
    }
    if (!isTerminal(state.status)) {
      try {
        state.setRun(final.status, {
          ...(final.reason === undefined ? {} : { reason: final.reason }),
          ...(Object.keys(data).length === 0 ? {} : { data }),
        });
      } catch (error) {
        state.forceEnd('failed', `internal error: ${messageOf(error)}`);
      }
    }
  }
}
