/**
 * How the `local` orchestrator starts a job's process. Two implementations: the process hosting
 * the engine spawns it itself ({@link InProcessLauncher}), or a small helper process does
 * ({@link SpawnerLauncher}). Either way the job leads its own process group, its stdout and stderr
 * come back as lines, and its exit is reported once.
 */
import type { LogStream } from '@containerops/sdk';

/** What to run. `file` is looked up on `env.PATH`, as `execvp` does. */
export interface LaunchRequest {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Receives what a launched process does, in the order it happened per stream. */
export interface ProcessListener {
  /**
   * Complete lines of one stream (a final line without a newline comes before `closed`).
   * `partial`: indexes in `lines` of pieces of an over-long line that the next line continues.
   */
  lines(
    stream: LogStream,
    lines: readonly string[],
    time: number,
    partial?: readonly number[],
  ): void;
  /** One stream ended: no more lines from it. */
  closed(stream: LogStream): void;
  /**
   * Process `pid` exited (`code`), was ended by a signal (`signal`), or was lost with the helper
   * that ran it (`lost`, why; both null). Called once; streams may close before or after it, and
   * it may come before `launch` has resolved.
   */
  exited(pid: number, code: number | null, signal: NodeJS.Signals | null, lost?: string): void;
}

/** A running process: its pid (also its process group id) and flow control of its output. */
export interface LaunchedProcess {
  readonly pid: number;
  /** Stop reading its output until `resume`: the process then blocks once its pipes are full. */
  pause(): void;
  resume(): void;
}

/** Thrown (as the rejection of `launch`) when a process cannot be started. */
export interface LaunchError extends Error {
  /** The errno name, e.g. `ENOENT` for a command that does not exist. */
  readonly code?: string;
}

export interface ProcessLauncher {
  /**
   * Spawns `request` detached (leading a new process group) with stdin closed and stdout/stderr
   * piped. Resolves once the process exists; rejects with a {@link LaunchError} if it cannot.
   */
  launch(
    request: LaunchRequest,
    listener: ProcessListener,
  ): LaunchedProcess | Promise<LaunchedProcess>;
}
