/**
 * What happens to runs when the server is asked to stop (SIGTERM/SIGINT, `StartedServer.shutdown`).
 *
 * 1. New runs are refused (SHUTTING_DOWN; `/readyz` answers 503, webhooks 503).
 * 2. Local jobs (an orchestrator that cannot re-attach: the jobs are child processes of this
 *    server and die with it) get the grace period: runs keep going until none is `running` or
 *    the grace ends. Runs queued behind a concurrency group or waiting at a pause stage hold no
 *    job and do not count: they resume on the next start.
 * 3. The gate in front of the orchestrator closes: no new job attempt reaches the backend, and
 *    attempts whose `start()` is in flight get a bounded time to return (so no container is cut
 *    between create and start).
 * 4. Local runs still `running` are cancelled with a reason that says "server shutting down"
 *    (their jobs get the orchestrator's stop: SIGTERM, then SIGKILL after the stop grace), and so
 *    is any run whose next job was held at the gate (its job is marked running, but nothing ran).
 *    Docker/Swarm jobs are left running: the next start re-attaches them (logs resume where the
 *    store ends), so there is nothing to wait for.
 *
 * The caller then closes HTTP, flushes and closes every store and the database.
 */
import { DEFAULT_STOP_GRACE_MS, formatDuration } from '@containerops/core';
import type { EngineHost, HostedRun } from '../engine-host/engine-host.js';
import type { ServerLogger } from '../logger.js';

/** How long `start()` calls in flight at the gate may take to return (a Docker create + start). */
const START_SETTLE_MS = 15_000;
/** After a cancel's stop grace, how long a stopped run may take to record its end. */
const STOP_SETTLE_MS = 10_000;
/** How often the grace loop looks at the runs. */
const POLL_MS = 100;

export interface DrainReport {
  /** Runs that ended during the grace period. */
  readonly finished: number;
  /** Runs cancelled because the server shut down (local jobs still running, held starts). */
  readonly stopped: readonly string[];
  /** Runs whose jobs keep running on Docker/Swarm, to be re-attached on the next start. */
  readonly detached: readonly string[];
  /** Runs queued or waiting at a pause stage: they resume on the next start. */
  readonly parked: readonly string[];
}

/** The cancel reason of a run stopped by a shutdown (the engine prefixes "run cancelled: "). */
export function shutdownReason(graceMs: number): string {
  return `server shutting down (its ${formatDuration(graceMs)} grace period for running jobs ended)`;
}

/**
 * Steps 1–4 above. Rejects only on a bug (the caller closes the stores anyway). `graceMs` bounds
 * step 2; the whole takes at most `graceMs` + the start settle + the engine's stop grace + the
 * stop settle.
 */
export async function drainRuns(
  host: EngineHost,
  options: { readonly graceMs: number; readonly log: ServerLogger },
): Promise<DrainReport> {
  const { graceMs, log } = options;
  host.stopAccepting();
  const reattach = host.orchestrator.capabilities.reattach;
  const before = host.hostedRuns().filter(isActive);
  const running = before.filter((run) => run.status === 'running').length;
  if (running > 0) {
    log.info(
      reattach
        ? `shutting down: ${running} run(s) in progress keep their ${host.orchestrator.name} jobs running for the next start`
        : `shutting down: waiting up to ${formatDuration(graceMs)} for ${running} run(s) with running local jobs`,
    );
  }
  if (!reattach) {
    const until = Date.now() + graceMs;
    while (Date.now() < until && host.hostedRuns().some((run) => run.status === 'running')) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  host.jobStarts.close();
  await host.jobStarts.startsSettled(START_SETTLE_MS);

  const runs = host.hostedRuns().filter(isActive);
  const held = host.jobStarts.heldRuns();
  const stop = runs.filter((run) => held.has(run.runId) || (!reattach && run.status === 'running'));
  const reason = shutdownReason(graceMs);
  for (const run of stop) host.cancel(run, reason);
  // After the cancels: their runs see the stop as the cause, not a start failure.
  host.jobStarts.rejectHeld(reason);
  if (stop.length > 0) {
    log.warn(
      `shutting down: stopping ${stop.length} run(s): ${stop.map((r) => r.runId).join(', ')}`,
    );
    await host.idle(
      DEFAULT_STOP_GRACE_MS + STOP_SETTLE_MS,
      stop.map((run) => run.runId),
    );
  }
  const stopped = new Set(stop.map((run) => run.runId));
  const left = runs.filter((run) => !stopped.has(run.runId));
  return {
    finished: before.filter((run) => !runs.some((r) => r.runId === run.runId)).length,
    stopped: [...stopped],
    detached: left.filter((run) => run.status === 'running').map((run) => run.runId),
    parked: left.filter((run) => run.status !== 'running').map((run) => run.runId),
  };
}

/** Not ended: running, queued or waiting. */
function isActive(run: HostedRun): boolean {
  return run.status === 'running' || run.status === 'queued' || run.status === 'waiting';
}
