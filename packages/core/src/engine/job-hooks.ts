/**
 * Applies a job's Lua `pre` and `post` hooks through the configured {@link HookRunner}. A hook
 * that throws fails the job with the error's message; a hook never crashes the run.
 */
import { formatCoData } from '../contract/co-data.js';
import { inputEnvName } from '../contract/input-env-name.js';
import type { HookRunner } from './api.js';
import type { AttemptLog } from './attempt-log.js';
import { messageOf } from './job-environment.js';

/** Why a job with hooks cannot run when the engine has no hook runner. */
export const NO_HOOK_RUNNER = 'job has Lua hooks but no hook runner is configured';

export type PreHookOutcome =
  | { readonly kind: 'run'; readonly env: Record<string, string> }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'fail'; readonly reason: string };

export interface PreHookInput {
  readonly script: string;
  readonly jobPath: string;
  readonly env: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly log: AttemptLog;
}

/**
 * Runs the pre hook. When the hook changes the inputs, `CO_DATA`, `CO_DATA_JSON` and the
 * `CO_<KEY>` variables are derived again from them (unless the hook set `CO_DATA` itself), so the
 * component sees one consistent input.
 */
export async function runPreHook(hooks: HookRunner, input: PreHookInput): Promise<PreHookOutcome> {
  let result;
  try {
    result = await hooks.runPre({
      script: input.script,
      jobPath: input.jobPath,
      inputs: input.inputs,
      env: input.env,
      signal: input.signal,
      log: (text) => input.log.system(`[pre] ${text}`),
    });
  } catch (error) {
    return { kind: 'fail', reason: `pre hook failed: ${messageOf(error)}` };
  }
  if (result.fail !== undefined) return { kind: 'fail', reason: `pre hook: ${result.fail}` };
  if (result.skip !== undefined) return { kind: 'skip', reason: `pre hook: ${result.skip}` };
  const env = { ...result.env };
  if (!sameRecord(result.inputs, input.inputs)) {
    for (const key of Object.keys(input.inputs)) {
      if (!(key in result.inputs)) delete env[inputEnvName(key)];
    }
    for (const [key, value] of Object.entries(result.inputs)) env[inputEnvName(key)] = value;
    env['CO_DATA_JSON'] = JSON.stringify(result.inputs);
    if (env['CO_DATA'] === input.env['CO_DATA']) env['CO_DATA'] = formatCoData(result.inputs);
  }
  return { kind: 'run', env };
}

export interface PostHookInput {
  readonly script: string;
  readonly jobPath: string;
  readonly exitCode: number | null;
  readonly succeeded: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly log: AttemptLog;
}

export interface PostHookOutcome {
  readonly succeeded: boolean;
  readonly outputs: Readonly<Record<string, string>>;
  /** Why the hook failed the job, when it did. */
  readonly reason?: string;
}

/** Runs the post hook: it may rewrite outputs and turn the result either way. */
export async function runPostHook(
  hooks: HookRunner,
  input: PostHookInput,
): Promise<PostHookOutcome> {
  try {
    const result = await hooks.runPost({
      script: input.script,
      jobPath: input.jobPath,
      exitCode: input.exitCode,
      succeeded: input.succeeded,
      outputs: input.outputs,
      signal: input.signal,
      log: (text) => input.log.system(`[post] ${text}`),
    });
    if (result.fail !== undefined) {
      return { succeeded: false, outputs: result.outputs, reason: `post hook: ${result.fail}` };
    }
    return {
      succeeded: result.succeeded,
      outputs: result.outputs,
      ...(result.succeeded || !input.succeeded
        ? {}
        : { reason: 'post hook marked the job failed' }),
    };
  } catch (error) {
    return {
      succeeded: false,
      outputs: input.outputs,
      reason: `post hook failed: ${messageOf(error)}`,
    };
  }
}

function sameRecord(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}
