import type { CliIo } from '../io.js';

/** One `containerops` subcommand. `run` returns the process exit code. */
export interface Command {
  readonly name: string;
  /** One line for the top-level help. */
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
