/**
 * What the runner (main thread) and a hook worker send each other, and what a hook run yields.
 * Plain data only: every value crosses `postMessage`.
 */
import type { SandboxLimits } from './limits.js';

/** One hook run to perform. `script` is Lua source (never bytecode). */
export type HookRequest = PreHookRequest | PostHookRequest;

export interface PreHookRequest {
  readonly phase: 'pre';
  readonly script: string;
  readonly input: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly limits: SandboxLimits;
}

export interface PostHookRequest {
  readonly phase: 'post';
  readonly script: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly exitCode: number | null;
  readonly succeeded: boolean;
  readonly limits: SandboxLimits;
}

/**
 * The result of one hook run. `error` means the script failed (Lua error, limit hit, bad value
 * left in a table); its text has no "pre hook:" prefix, the runner adds it.
 */
export type HookOutcome =
  | {
      readonly phase: 'pre';
      readonly input: Record<string, string>;
      readonly env: Record<string, string>;
      readonly skip?: string;
      readonly fail?: string;
    }
  | {
      readonly phase: 'post';
      readonly outputs: Record<string, string>;
      readonly succeeded: boolean;
      readonly fail?: string;
    }
  | { readonly error: string };

/** Main thread -> worker. */
export interface WorkerTask {
  readonly id: number;
  readonly request: HookRequest;
}

/** Worker -> main thread: `ready` once after start, then `log`* and one `done` per task. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'log'; readonly id: number; readonly text: string }
  | { readonly type: 'done'; readonly id: number; readonly outcome: HookOutcome };
