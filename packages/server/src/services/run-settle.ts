/**
 * Waiting for a run to show the effect of a change (started, cancelled, decided) before a mutation
 * answers. The engine applies these changes asynchronously: `cancel` only asks running jobs to
 * stop, `decide` resolves a pause the stage executor picks up on its next turn, and a started run
 * prepares its orchestrator before its first stage moves. Answering at once would hand the client
 * the state from before the change (and leave it stale in a client cache such as Apollo's).
 */
import { isTerminal } from '@containerops/core';
import type { EngineApi, RunSnapshot } from '@containerops/core';

/** How long a mutation waits at most for its effect (jobs get a grace period to stop). */
export const DEFAULT_SETTLE_TIMEOUT_MS = 15_000;

/**
 * Resolves once `settled(snapshot)` holds for run `runId` on `engine`, once the run is terminal or
 * unknown to the engine, or after `timeoutMs` (then the caller reports whatever state the run has:
 * an answer is never withheld for long). Checks after every event of the run.
 */
export function settleRun(
  engine: Pick<EngineApi, 'getRun' | 'observe'>,
  runId: string,
  settled: (snapshot: RunSnapshot) => boolean,
  timeoutMs: number = DEFAULT_SETTLE_TIMEOUT_MS,
): Promise<void> {
  const done = (): boolean => {
    const snapshot = engine.getRun(runId);
    return snapshot === undefined || isTerminal(snapshot.status) || settled(snapshot);
  };
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    let finish = (): void => undefined;
    const timer = setTimeout(() => finish(), timeoutMs);
    timer.unref();
    const stop = engine.observe({
      onEvent: (event) => {
        if (event.runId === runId && done()) finish();
      },
    });
    finish = () => {
      clearTimeout(timer);
      stop();
      resolve();
    };
  });
}

/** A started run settled: it began its first stage, or it waits (concurrency group), or ended. */
export function hasBegun(snapshot: RunSnapshot): boolean {
  return snapshot.status !== 'running' || snapshot.stages.some((s) => s.status !== 'pending');
}

/** A decided pause stage settled: it no longer waits for a decision. */
export function stageDecided(stage: string): (snapshot: RunSnapshot) => boolean {
  return (snapshot) => snapshot.stages.find((s) => s.name === stage)?.status !== 'waiting';
}
