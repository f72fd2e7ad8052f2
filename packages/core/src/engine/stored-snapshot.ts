/**
 * A run's state as its stored events say, for a reader that does not drive the run: `recover`
 * (a restarted engine) and server replicas reading a run another replica drives, whose saved
 * snapshot lags its events (snapshots are saved at stage boundaries, events at every change).
 */
import type { EngineEvent } from './events.js';
import type { RunRequest } from './run-request.js';
import { replayEvents } from './run-replay.js';
import { createRunSnapshot } from './run-state.js';
import type { RunSnapshot } from './snapshot.js';

/**
 * The snapshot rebuilt from the run's saved request and all of its stored `events` (in `seq`
 * order); `saved` as it is when there is no request (a run that never fully started).
 */
export function storedRunSnapshot(
  saved: RunSnapshot,
  request: RunRequest | undefined,
  events: readonly EngineEvent[],
): RunSnapshot {
  const snapshot =
    request === undefined
      ? saved
      : createRunSnapshot({
          runId: saved.runId,
          workflow: request.workflow,
          createdAt: saved.createdAt,
          ...(saved.rerunOf === undefined ? {} : { rerunOf: saved.rerunOf }),
          ...(saved.trigger === undefined ? {} : { trigger: saved.trigger }),
          ...(saved.keepWorkspace === undefined ? {} : { keepWorkspace: saved.keepWorkspace }),
          workspaceRunId: saved.workspaceRunId ?? saved.runId,
        });
  replayEvents(snapshot, events);
  return snapshot;
}
