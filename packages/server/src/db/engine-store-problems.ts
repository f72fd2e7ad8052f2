/**
 * What the server does when an engine's outbox meets a failing store (core's `StoreProblem`):
 * log it (the first failure at once, then at most one line per {@link SUMMARY_MS} with counts,
 * so a flood of failing batches does not flood the log in turn), and keep the storage health
 * current: log lines refused for lack of space mark the log store full (the database marks itself,
 * see database.ts), and their recovery clears it.
 */
import type { StoreProblem } from '@containerops/core';
import type { ServerLogger } from '../logger.js';
import { isStorageFull } from './storage-failure.js';
import type { StorageHealth } from './storage-health.js';

/** Least time between two log lines about the same kind of failure. */
export const SUMMARY_MS = 10_000;

export function engineStoreProblems(
  storage: StorageHealth,
  log: ServerLogger,
): (problem: StoreProblem) => void {
  const quiet = { events: 0, lines: 0 };
  const unlogged = { eventFailures: 0, droppedLines: 0 };
  return (problem) => {
    const now = Date.now();
    if (problem.kind === 'recovered') {
      if (problem.what === 'lines') storage.succeeded('logStore');
      log.info(
        problem.what === 'events'
          ? 'engine: run events are stored again (none was lost: they waited)'
          : 'engine: job log lines are stored again',
      );
      quiet[problem.what] = 0;
      return;
    }
    const message = problem.error instanceof Error ? problem.error.message : String(problem.error);
    if (problem.kind === 'events') {
      unlogged.eventFailures++;
      if (now < quiet.events) return;
      quiet.events = now + SUMMARY_MS;
      log.error(
        `engine: storing run events failed ${unlogged.eventFailures} time(s) (${message}); ` +
          'they are kept in memory and retried until stored, runs wait for them',
      );
      unlogged.eventFailures = 0;
      return;
    }
    if (isStorageFull(problem.error)) storage.failed('logStore', problem.error);
    unlogged.droppedLines += problem.droppedLines;
    if (now < quiet.lines) return;
    quiet.lines = now + SUMMARY_MS;
    log.error(
      `engine: the log store refused job log lines (${message}); ${unlogged.droppedLines} ` +
        'line(s) given up, their jobs are marked logTruncated (cause storage)',
    );
    unlogged.droppedLines = 0;
  };
}
