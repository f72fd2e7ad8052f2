/**
 * Limits of one hook run. Shared by the runner (main thread) and the sandbox (worker), so this
 * file imports nothing.
 */

/** Limits applied to every hook run. All sizes are bytes, all times milliseconds. */
export interface SandboxLimits {
  /** Lua VM instructions a hook may execute (checked every {@link budgetCheckInterval}). */
  readonly instructionBudget: number;
  /** Wall time of one hook run, measured from when the worker starts it. */
  readonly wallTimeMs: number;
  /** Heap plus buffer memory a hook may add on top of what its worker used before it. */
  readonly memoryBytes: number;
  /** Longest string a hook may create (`..`, `string.rep`, `table.concat`, library results). */
  readonly maxStringBytes: number;
  /** Log lines a hook may write; later lines are dropped (one notice says so). */
  readonly maxLogLines: number;
  /** Longer log lines are cut. */
  readonly maxLogLineBytes: number;
}

const MiB = 1024 * 1024;

/** Defaults: generous for a hook that edits a few values, tight enough to stop a runaway. */
export const defaultLimits: SandboxLimits = {
  instructionBudget: 10_000_000,
  wallTimeMs: 5_000,
  memoryBytes: 64 * MiB,
  maxStringBytes: 16 * MiB,
  maxLogLines: 1_000,
  maxLogLineBytes: 8 * 1024,
};

/** The count hook fires every this many instructions: the budget's granularity. */
export const budgetCheckInterval = 1_000;

/**
 * Lua stack slots per hook (fengari's default is 1 000 000). Deep recursion then fails with
 * "stack overflow" after about 30 000 nested calls, in a fraction of a second.
 */
export const maxLuaStackSlots = 100_000;

/** Formats a byte count for messages: "16 MiB", "1500 bytes". */
export function formatBytes(bytes: number): string {
  return bytes >= MiB && bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}
