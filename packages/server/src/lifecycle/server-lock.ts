/**
 * What keeps a second server process off the state of a running one. Two servers on one data
 * directory (or one database) would both drive the same runs: containers created twice, terminal
 * events written twice. So `startServer` takes an exclusive lock first and refuses to start
 * without it.
 *
 * Every lock here is one the operating system or the database server drops by itself when the
 * holding process dies (SIGKILL included): there is no stale lock file to clean up by hand.
 */
import { OperationalError } from '@containerops/core';

/** Stable code of "another server holds the lock" (the start is refused). */
export const SERVER_ALREADY_RUNNING = 'SERVER_ALREADY_RUNNING';

/** A lock held for the life of the server. */
export interface ServerLock {
  /** What is locked, for log lines: `data directory /srv/co/data`. */
  readonly what: string;
  /** Releases the lock. Idempotent; never throws. */
  release(): Promise<void>;
}

/**
 * The start is refused: `message` names what is locked, by whom (pid or connection) and what to
 * do about it.
 */
export function alreadyRunning(message: string): OperationalError {
  return new OperationalError(SERVER_ALREADY_RUNNING, message);
}
