/**
 * A `pause` stage: the stage and the run go `waiting` until `Engine.decide` approves or rejects
 * it, or the stage's own timeout elapses (then the stage FAILS with "approval timed out":
 * docs/design.md §2 says a pause ends "failed" at its timeout). A cancel or a run timeout ends the wait too.
 */
import type { StageDefinition } from '../definition/model.js';
import type { PauseDecision } from './api.js';
import type { NodeResult } from './job-executor.js';
import type { RunExecution } from './run-execution.js';
import { formatMs, stoppedStatus } from './timeouts.js';
import type { StopScope } from './timeouts.js';

export async function runPauseStage(
  exec: RunExecution,
  stage: StageDefinition,
  runScope: StopScope,
): Promise<NodeResult> {
  const { state } = exec;
  const name = stage.name;
  for (const action of stage.actions)
    state.skipAction(`${name}.${action.name}`, 'pause stages run no actions');
  const timeoutMs = stage.timeoutMs;
  const scope = runScope.child({
    ms: timeoutMs,
    cause: {
      kind: 'timeout',
      scope: 'stage',
      path: name,
      reason: `approval timed out after ${formatMs(timeoutMs ?? 0)}`,
    },
  });
  try {
    // A stage already waiting (before an engine restart) waits again for its decision.
    const early = scope.cause();
    if (early !== undefined && state.stage(name).status === 'pending') {
      state.skipStage(name, early.reason);
      return { status: 'skipped', reason: early.reason };
    }
    if (state.stage(name).status !== 'waiting') state.setStage(name, 'waiting');
    if (state.status !== 'waiting') state.setRun('waiting', { data: { stage: name } });
    void exec.save();
    const decision = await new Promise<PauseDecision | undefined>((resolve) => {
      exec.pending = { stage: name, resolve };
      scope.onAbort(() => resolve(undefined));
    });
    exec.pending = undefined;
    if (decision !== undefined) {
      const data = {
        approved: decision.approved,
        ...(decision.by === undefined ? {} : { by: decision.by }),
        ...(decision.comment === undefined ? {} : { comment: decision.comment }),
      };
      state.setDecision(name, data);
      const who = decision.by === undefined ? '' : ` by ${decision.by}`;
      const comment =
        decision.comment === undefined || decision.comment === '' ? '' : `: ${decision.comment}`;
      if (decision.approved) {
        const reason = `approved${who}${comment}`;
        state.setStage(name, 'succeeded', { reason, data });
        state.setRun('running', { data: { stage: name, ...data } });
        return { status: 'succeeded', reason };
      }
      const reason = `rejected${who}${comment}`;
      state.setStage(name, 'failed', { reason, data });
      return { status: 'failed', reason: `${name}: ${reason}` };
    }
    const cause = scope.cause();
    if (cause === undefined) throw new Error('pause ended without a decision or a stop');
    if (cause.kind === 'timeout' && cause.scope === 'stage' && cause.path === name) {
      state.setStage(name, 'failed', { reason: cause.reason });
      return { status: 'failed', reason: `${name}: ${cause.reason}` };
    }
    state.setStage(name, stoppedStatus(cause), { reason: cause.reason });
    return { status: stoppedStatus(cause), reason: cause.reason };
  } finally {
    exec.pending = undefined;
    scope.dispose();
  }
}
