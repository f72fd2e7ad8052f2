/**
 * Waiting for a job's service to finish: poll its task until it is terminal (or the service is
 * gone), fail it early when Swarm can never place it, then read what only the container knows
 * (OOM kill, `$CO_OUTPUT`) when the container is on this node.
 */
import type Dockerode from 'dockerode';
import type { JobExit } from '@containerops/sdk';
import { isNotFound } from '@containerops/orchestrator-docker';
import { readContainerOutput } from './container-output.js';
import { exitFromTask, isTerminal, pendingProblem } from './task-exit.js';
import type { ContainerFacts } from './task-exit.js';
import type { TaskSnapshot, TaskWatcher } from './task-watcher.js';

export interface JobWaitContext {
  readonly docker: Dockerode;
  readonly watcher: TaskWatcher;
  readonly unschedulableTimeoutMs: number;
  /** Swarm node id of the engine this orchestrator talks to. */
  localNodeId(): Promise<string>;
  /** Why no node can ever meet the job's reservations, or undefined (checked against the nodes now). */
  impossibleReason(): Promise<string | undefined>;
  /** Removes the job's service (idempotent), so an unschedulable job cannot start later. */
  removeService(): Promise<void>;
  isStopped(): boolean;
}

/** How often a pending task with a placement error is re-examined. */
const RECHECK_MS = 2_000;

function finished(s: TaskSnapshot): boolean {
  return s.gone || (s.task !== undefined && isTerminal(s.task));
}

/**
 * Resolves with the job's exit; rejects only when the engine stops answering (the watcher's
 * error). Safe to call for a job stopped or removed meanwhile (then `killed` or `error`).
 */
export async function waitForJobExit(context: JobWaitContext, serviceId: string): Promise<JobExit> {
  let pendingSince: number | undefined;
  let checkedAt = 0;
  for (;;) {
    const snapshot = await context.watcher.until(serviceId, (s) => {
      if (finished(s)) return true;
      // A placement error is returned for a look, at most every RECHECK_MS.
      const err = s.task?.state === 'pending' ? s.task.err : undefined;
      if (err === undefined) {
        pendingSince = undefined;
        return false;
      }
      pendingSince ??= Date.now();
      return Date.now() - checkedAt >= RECHECK_MS;
    });
    const task = snapshot.task;
    if (finished(snapshot) || task === undefined) return finalExit(context, snapshot);
    checkedAt = Date.now();
    const problem = pendingProblem(
      task,
      /insufficient resources/.test(task.err ?? '') ? await context.impossibleReason() : undefined,
      Date.now() - (pendingSince ?? Date.now()),
      context.unschedulableTimeoutMs,
    );
    if (problem !== undefined && !context.isStopped()) {
      await context.removeService();
      return { exitCode: null, reason: 'error', message: problem };
    }
  }
}

async function finalExit(context: JobWaitContext, snapshot: TaskSnapshot): Promise<JobExit> {
  const task = snapshot.gone ? undefined : snapshot.task;
  let container: ContainerFacts | undefined;
  let outputFile: string | undefined;
  if (task?.containerId !== undefined && task.nodeId === (await context.localNodeId())) {
    const handle = context.docker.getContainer(task.containerId);
    try {
      const info = await handle.inspect();
      const status = info.State.Status;
      container = {
        oomKilled: info.State.OOMKilled,
        exitCode: info.State.ExitCode,
        removed: status === 'removing' || status === 'dead',
      };
      if (!container.removed) outputFile = await readContainerOutput(handle);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Removed: by stop() (then the job reads as killed) or outside ContainerOps (`docker rm -f`).
      container = { oomKilled: false, removed: true };
    }
  }
  const exit = exitFromTask({
    ...(task === undefined ? {} : { task }),
    stoppedByUs: context.isStopped(),
    ...(container === undefined ? {} : { container }),
  });
  return outputFile === undefined ? exit : { ...exit, outputFile };
}
