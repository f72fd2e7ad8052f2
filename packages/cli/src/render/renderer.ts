/**
 * A run renderer turns the engine's live activity into output. One per run; the `run` command
 * calls `start` once, then `event`/`log` as they come (events in `seq` order), `notice` for its
 * own messages (cancelling...), and `finish` once with the final snapshot.
 */
import type { EngineEvent, JobLogLine, RunSnapshot, WorkflowDefinition } from '@containerops/core';
import type { FanOutTotal } from './run-view.js';

export interface RunStartInfo {
  readonly runId: string;
  readonly workflow: WorkflowDefinition;
  readonly orchestrator: string;
  /**
   * A running fan-out's number of instances, when the caller can read the run's state (a local
   * run: the engine's); otherwise the live view shows it once the fan-out ends.
   */
  readonly fanOutTotal?: FanOutTotal;
}

export interface RunOutcome {
  readonly snapshot: RunSnapshot;
  /** The user interrupted the run (Ctrl-C, SIGTERM). */
  readonly interrupted: boolean;
  /** The exit code the command will return. */
  readonly exitCode: number;
}

export interface RunRenderer {
  start(info: RunStartInfo): void;
  event(event: EngineEvent): void;
  log(line: JobLogLine): void;
  /** A message of the CLI itself ("cancelling the run..."). */
  notice(text: string): void;
  /** Prints the final state and summary; stops timers. Called exactly once. */
  finish(outcome: RunOutcome): void;
}

/** Lines to write go through this so tests can capture them. */
export interface LineSink {
  write(chunk: string): unknown;
}
