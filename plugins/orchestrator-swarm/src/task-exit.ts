/**
 * How a Swarm task's final state becomes a {@link JobExit}. Pure, so every branch is unit-tested
 * without an engine.
 */
import type { JobExit } from '@containerops/sdk';
import type { SwarmTask } from './swarm-types.js';
import { terminalTaskStates } from './swarm-types.js';

/** What the task's container said, when it is on this node and still there to inspect. */
export interface ContainerFacts {
  readonly oomKilled: boolean;
  readonly exitCode?: number;
  /** Gone or being removed when inspected (`docker rm -f` outside ContainerOps, or our stop). */
  readonly removed?: boolean;
}

/** Why a job whose task container was removed by someone else has no trustworthy exit. */
export const CONTAINER_REMOVED =
  "the job's container was removed outside ContainerOps (docker rm -f?) before its exit could be read";

export interface ExitFacts {
  /** The newest task, or `undefined` when the service (and so its tasks) is gone. */
  readonly task?: SwarmTask;
  /** `stop()` was called for this job in this process. */
  readonly stoppedByUs: boolean;
  readonly container?: ContainerFacts;
}

export function isTerminal(task: SwarmTask): boolean {
  return terminalTaskStates.has(task.state);
}

/** Swarm's "task: non-zero exit (N)": the process ran and exited; anything else in `failed` did not. */
const NON_ZERO_EXIT = /^task: non-zero exit \(\d+\)/;

/**
 * The job's exit from its final task. Call only when the task is terminal or gone. In order:
 * - the container was OOM-killed: `oom` (no exit code: the kernel killed it);
 * - stopped by us: `killed`, with the job's own exit code when it exited on SIGTERM by itself;
 * - its container removed by someone else: `error` {@link CONTAINER_REMOVED} (the 137 Swarm shows
 *   is the removal's kill, not the job's);
 * - `complete`: `exited` with code 0 (or the recorded one);
 * - `failed` after the process ran ("task: non-zero exit (N)"): `exited` with the code;
 * - `failed` before it ran, `rejected` (e.g. "No such image"), `orphaned`, or removed by someone
 *   else: `error` with Swarm's reason.
 */
export function exitFromTask(facts: ExitFacts): JobExit {
  const { task, stoppedByUs, container } = facts;
  const exitCode = container?.exitCode ?? task?.exitCode;
  if (container?.oomKilled === true) {
    return {
      exitCode: null,
      reason: 'oom',
      message: 'the container was killed for using more memory than its limit (OOMKilled)',
    };
  }
  if (stoppedByUs) {
    // Like the docker plugin: a code above 128 is the signal that ended it, not the job's own.
    const code =
      task?.containerId === undefined || exitCode === undefined || exitCode > 128 ? null : exitCode;
    return { exitCode: code, reason: 'killed', message: 'stopped by ContainerOps' };
  }
  if (container?.removed === true) {
    return { exitCode: null, reason: 'error', message: CONTAINER_REMOVED };
  }
  if (task === undefined) {
    return {
      exitCode: null,
      reason: 'error',
      message:
        "the job's Swarm service disappeared before the job ended (removed outside ContainerOps?)",
    };
  }
  switch (task.state) {
    case 'complete':
      return { exitCode: exitCode ?? 0, reason: 'exited' };
    case 'failed': {
      if (exitCode !== undefined && NON_ZERO_EXIT.test(task.err ?? ''))
        return { exitCode, reason: 'exited' };
      return {
        exitCode: null,
        reason: 'error',
        message: `swarm task failed: ${task.err ?? task.message ?? 'no reason given'}`,
      };
    }
    case 'rejected':
      return {
        exitCode: null,
        reason: 'error',
        message: `swarm rejected the job: ${task.err ?? task.message ?? 'no reason given'}`,
      };
    case 'orphaned':
      return {
        exitCode: null,
        reason: 'error',
        message: `the node running the job (${task.nodeId}) became unavailable; the task was orphaned`,
      };
    default:
      return {
        exitCode: exitCode ?? null,
        reason: 'error',
        message: `the job's task was shut down outside ContainerOps (state ${task.state})`,
      };
  }
}

/**
 * Why a task that is still `pending` will never run, or `undefined` while waiting is right.
 * Swarm keeps such a task pending with an `Err` ("no suitable node (...)"). Lack of resources on
 * nodes that are busy is normal queueing; `impossible` (from the capacity check) is not. Any other
 * placement failure (constraints, platform) is reported once it has lasted `graceMs`.
 */
export function pendingProblem(
  task: SwarmTask,
  impossible: string | undefined,
  pendingForMs: number,
  graceMs: number,
): string | undefined {
  if (task.state !== 'pending' || task.err === undefined) return undefined;
  if (/insufficient resources/.test(task.err)) {
    return impossible === undefined
      ? undefined
      : `swarm cannot schedule the job: ${task.err}; ${impossible}`;
  }
  return pendingForMs >= graceMs ? `swarm cannot schedule the job: ${task.err}` : undefined;
}
