/**
 * The `hook` plugin kind: runs a job's `pre`/`post` scripts (Lua in `plugins/hook-lua`). It is
 * core's {@link HookRunner} plus what the host needs to validate and unload it.
 *
 * ## Lifecycle
 * ```
 * create(config, ctx)
 *   check(script)            at validation time, before any run
 *   runPre / runPost         around each job attempt, concurrently for different jobs;
 *                            must honour `ctx.signal` (job cancelled or timed out)
 * close()                    optional; idempotent
 * ```
 * A script error, a limit overrun (instructions, wall time, memory) or an abort does not reject:
 * the result carries `fail` with the script's message and line (`[string "pre"]:3: ...`), and the
 * engine fails the job with it. A rejection is kept for the runner's own breakage (a bug); the
 * engine fails the job then too, so either way no run is left hanging.
 */
import type { HookRunner } from '@containerops/core';

/** A problem found in a hook script without running it. Lines and columns are 1-based. */
export interface HookProblem {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface HookPlugin extends HookRunner {
  /** Script language, as named in docs and diagnostics (`lua`). */
  readonly language: string;
  /** Syntax-checks a script; an empty list when it is fine. */
  check?(script: string): readonly HookProblem[];
  close?(): Promise<void>;
}
