/** Defaults the parser applies when a workflow file leaves a setting out. */
import type { RetryPolicy } from './model.js';

/** Retry policy of a job that says nothing: no retry; backoff 1s doubling up to 60s. */
export const DEFAULT_RETRY: RetryPolicy = {
  limit: 0,
  backoffMs: 1000,
  factor: 2,
  maxBackoffMs: 60_000,
};

/** Cap on the outputs of one job, all values together (docs/design.md §3): 1 MiB. */
export const DEFAULT_OUTPUT_LIMIT_BYTES = 1024 * 1024;
