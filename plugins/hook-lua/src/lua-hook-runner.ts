/** The `HookRunner` the engine calls around each job: Lua `pre`/`post` scripts on a worker pool. */
import type {
  HookRunner,
  PostHookContext,
  PostHookResult,
  PreHookContext,
  PreHookResult,
} from '@containerops/sdk';
import { defaultLimits } from './limits.js';
import type { SandboxLimits } from './limits.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link createLuaHookRunner}; every field has a default. */
export interface LuaHookRunnerOptions {
  /** Lua instructions per hook (checked every 1000). Default 10 000 000 (about 0.4 s of work). */
  readonly instructionBudget?: number;
  /** Wall time per hook, from when its worker starts it. Default 5000 ms. */
  readonly wallTimeMs?: number;
  /** Memory a hook may use; also caps single strings at a quarter of it. Default 64 MiB. */
  readonly memoryBytes?: number;
  /** Worker threads, i.e. hooks running in parallel; more wait in FIFO order. Default 2. */
  readonly workers?: number;
}

/** A {@link HookRunner} that owns worker threads; `close()` stops them. */
export interface LuaHookRunner extends HookRunner {
  /**
   * Terminates the workers. Hooks still waiting or running resolve with `fail`; later calls do
   * too. Idempotent. Idle workers never keep the process alive, so calling it is optional.
   */
  close(): Promise<void>;
}

/**
 * Creates a runner for Lua hooks. Each hook runs in a fresh sandboxed Lua state (fengari) on a
 * worker thread, so a hostile script can at worst cost one worker, which is replaced.
 *
 * Contract of `runPre`/`runPost`: they never reject. A script error, a limit overrun, an abort
 * of `ctx.signal` or a closed runner resolve with `fail` set to the bare reason, e.g.
 * `[string "pre"]:3: attempt to index a nil value` or `aborted` (the engine prefixes
 * "pre hook: "), the original inputs/env/outputs, and (post) `succeeded: false`. `fail(reason)` /
 * `skip(reason)` in the script give the same shape with the script's reason. `ctx.log` is called
 * on the caller's thread, in order, and not after the promise settled. Hooks may run
 * concurrently, up to `workers` at a time.
 *
 * @throws RangeError when an option is not a positive integer.
 */
export function createLuaHookRunner(options: LuaHookRunnerOptions = {}): LuaHookRunner {
  const memoryBytes = positive('memoryBytes', options.memoryBytes, defaultLimits.memoryBytes);
  const limits: SandboxLimits = {
    ...defaultLimits,
    instructionBudget: positive(
      'instructionBudget',
      options.instructionBudget,
      defaultLimits.instructionBudget,
    ),
    wallTimeMs: positive('wallTimeMs', options.wallTimeMs, defaultLimits.wallTimeMs),
    memoryBytes,
    maxStringBytes: Math.max(1024, Math.floor(memoryBytes / 4)),
  };
  const pool = new WorkerPool({ size: positive('workers', options.workers, 2), memoryBytes });

  return {
    async runPre(ctx: PreHookContext): Promise<PreHookResult> {
      const outcome = await pool.run(
        { phase: 'pre', script: ctx.script, input: { ...ctx.inputs }, env: { ...ctx.env }, limits },
        { wallTimeMs: limits.wallTimeMs, signal: ctx.signal, log: (text) => ctx.log(text) },
      );
      if ('error' in outcome || outcome.phase !== 'pre') {
        return {
          inputs: { ...ctx.inputs },
          env: { ...ctx.env },
          fail: errorOf(outcome),
        };
      }
      return {
        inputs: outcome.input,
        env: outcome.env,
        ...(outcome.skip !== undefined ? { skip: outcome.skip } : {}),
        ...(outcome.fail !== undefined ? { fail: outcome.fail } : {}),
      };
    },

    async runPost(ctx: PostHookContext): Promise<PostHookResult> {
      const outcome = await pool.run(
        {
          phase: 'post',
          script: ctx.script,
          outputs: { ...ctx.outputs },
          exitCode: ctx.exitCode,
          succeeded: ctx.succeeded,
          limits,
        },
        { wallTimeMs: limits.wallTimeMs, signal: ctx.signal, log: (text) => ctx.log(text) },
      );
      if ('error' in outcome || outcome.phase !== 'post') {
        return {
          outputs: { ...ctx.outputs },
          succeeded: false,
          fail: errorOf(outcome),
        };
      }
      return {
        outputs: outcome.outputs,
        succeeded: outcome.succeeded,
        ...(outcome.fail !== undefined ? { fail: outcome.fail } : {}),
      };
    },

    close: () => pool.close(),
  };
}

function errorOf(outcome: object): string {
  return 'error' in outcome && typeof outcome.error === 'string'
    ? outcome.error
    : 'unexpected hook result';
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`hook-lua: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
