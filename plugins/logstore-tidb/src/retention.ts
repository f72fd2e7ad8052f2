/**
 * Deleting lines in batches: `prune(olderThan)` shard by shard of the time index, `deleteRun` by
 * the run's key prefix. Each `DELETE ... LIMIT n` is its own short transaction, so a purge of
 * millions of lines never becomes one huge TiDB transaction (over `txn-total-size-limit`) nor
 * holds MariaDB's locks for long; appends of other callers run between chunks.
 */
import type { Pool, ResultSetHeader } from 'mysql2/promise';
import { runKey, TIME_SHARDS } from './keys.js';

export interface RetentionContext {
  readonly pool: Pool;
  readonly table: string;
  readonly chunkSize: number;
  /** Throws when the store closed meanwhile (the loop stops between chunks). */
  readonly checkOpen: () => void;
}

/** Runs `DELETE ... LIMIT chunkSize` until fewer rows than that go; returns the total. */
async function deleteInChunks(
  ctx: RetentionContext,
  sql: string,
  values: readonly unknown[],
): Promise<number> {
  let deleted = 0;
  for (;;) {
    ctx.checkOpen();
    const [result] = await ctx.pool.query<ResultSetHeader>(`${sql} LIMIT ${ctx.chunkSize}`, [
      ...values,
    ]);
    deleted += result.affectedRows;
    if (result.affectedRows < ctx.chunkSize) return deleted;
  }
}

/** Deletes lines with `time_ms < olderThan`; returns how many. */
export async function pruneOlderThan(ctx: RetentionContext, olderThan: number): Promise<number> {
  let deleted = 0;
  for (let shard = 0; shard < TIME_SHARDS; shard++) {
    deleted += await deleteInChunks(
      ctx,
      `DELETE FROM \`${ctx.table}\` WHERE shard = ? AND time_ms < ?`,
      [shard, olderThan],
    );
  }
  return deleted;
}

/** Deletes every line of one run; returns how many. */
export function deleteRunLines(ctx: RetentionContext, runId: string): Promise<number> {
  return deleteInChunks(ctx, `DELETE FROM \`${ctx.table}\` WHERE run_key = ?`, [runKey(runId)]);
}
