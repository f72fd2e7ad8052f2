/** Bounds and defaults of fan-outs (`matrix:` and `fan-out:`, docs/design.md §2). */

/**
 * Most instances one fan-out may have: a static matrix beyond it is refused when the file is read
 * (`fan-out-too-large`, counted as the product of the axes plus the includes), a dynamic list
 * beyond it fails the job when it starts.
 */
export const MAX_FAN_OUT_INSTANCES = 100_000;

/** `max-parallel` when the file gives none. */
export const DEFAULT_MAX_PARALLEL = 100;

/**
 * Output keys every fan-out job reports once its instances ended (data links may use them):
 * how many instances there were, succeeded, failed (failed, timed out or cancelled) and were
 * skipped (never started: stopped by fail-fast or by a cancel).
 */
export const FAN_OUT_SUMMARY_OUTPUTS = [
  'fan-out.total',
  'fan-out.passed',
  'fan-out.failed',
  'fan-out.skipped',
] as const;
