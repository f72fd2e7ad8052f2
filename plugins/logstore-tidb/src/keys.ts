/**
 * How a line's location becomes its clustered primary key (run_key, job_key, attempt, seq).
 *
 * The keys are the first 16 bytes of SHA-256 of the run id and of the job path: fixed width (no
 * long strings repeated in every key), no lookup table to keep in sync across processes, and
 * uniformly spread, so the lines of concurrent runs land in different TiKV regions instead of
 * all appending to the one region at the end of an auto-increment range. A job's lines stay
 * contiguous in (attempt, seq) order, so reads are range scans. Two distinct ids sharing a
 * 128-bit prefix is not a practical concern.
 *
 * `shard` (0–15, from the run key) prefixes the time index for the same reason: an index on a
 * growing `time_ms` alone would send every insert to its last region; `prune` walks the 16 shards.
 */
import { createHash } from 'node:crypto';

/** Number of time-index shards; `prune` deletes shard by shard. */
export const TIME_SHARDS = 16;

function key(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest().subarray(0, 16);
}

export function runKey(runId: string): Buffer {
  return key(runId);
}

export function jobKey(jobPath: string): Buffer {
  return key(jobPath);
}

/** The time-index shard of a run's lines. */
export function shardOf(run: Buffer): number {
  return (run[0] ?? 0) % TIME_SHARDS;
}
