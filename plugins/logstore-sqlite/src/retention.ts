/**
 * Deleting old lines without stalling the event loop, and giving the space back.
 *
 * better-sqlite3 is synchronous, so a single `DELETE` of millions of lines would block the process
 * for seconds. Deletes run in chunks of `chunkSize` lines, each its own short write transaction,
 * with a turn of the event loop between chunks (appends and reads of other callers run there).
 * Once something was deleted, `compact` returns free pages to the file system (incremental
 * vacuum, also chunked) and truncates the WAL, so the files shrink instead of growing forever.
 */
import type { Database } from './schema.js';
import type { Statements } from './statements.js';

/** Pages freed per incremental-vacuum step (4 MiB with the default 4 KiB pages). */
const VACUUM_PAGES_PER_STEP = 1024;
/** Job ids scanned per step when dropping jobs that have no line left. */
const JOB_IDS_PER_STEP = 2000;

export interface RetentionContext {
  readonly db: Database;
  readonly statements: Statements;
  readonly chunkSize: number;
  /** Throws when the store closed meanwhile (the loop stops between chunks). */
  readonly checkOpen: () => void;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Deletes lines with `time < olderThan`, then jobs left empty; returns the lines deleted. */
export async function pruneOlderThan(ctx: RetentionContext, olderThan: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    ctx.checkOpen();
    const changes = ctx.statements.deleteOlderChunk.run(olderThan, ctx.chunkSize).changes;
    deleted += changes;
    if (changes < ctx.chunkSize) break;
    await nextTurn();
  }
  if (deleted > 0) {
    await dropEmptyJobs(ctx);
    await compact(ctx);
  }
  return deleted;
}

/** Deletes every line and job row of one run; returns the lines deleted. */
export async function deleteRunLines(ctx: RetentionContext, runId: string): Promise<number> {
  ctx.checkOpen();
  let deleted = 0;
  for (const jobId of ctx.statements.runJobIds.all(runId)) {
    for (;;) {
      ctx.checkOpen();
      const changes = ctx.statements.deleteJobChunk.run(jobId, ctx.chunkSize).changes;
      deleted += changes;
      if (changes < ctx.chunkSize) break;
      await nextTurn();
    }
    ctx.checkOpen();
    // Another caller may have appended to the job meanwhile: then its row stays.
    ctx.statements.deleteJobIfEmpty.run(jobId);
  }
  if (deleted > 0) await compact(ctx);
  return deleted;
}

async function dropEmptyJobs(ctx: RetentionContext): Promise<void> {
  ctx.checkOpen();
  const maxId = ctx.statements.maxJobId.get() ?? 0;
  for (let from = 0; from < maxId; from += JOB_IDS_PER_STEP) {
    ctx.checkOpen();
    ctx.statements.deleteEmptyJobs.run(from, from + JOB_IDS_PER_STEP);
    await nextTurn();
  }
}

/**
 * Gives free pages back (files created by this plugin use `auto_vacuum = INCREMENTAL`), then
 * checkpoints the WAL into the database and truncates it. A checkpoint blocked by a reader in
 * another process is simply partial; the next one finishes it.
 */
export async function compact(ctx: RetentionContext): Promise<void> {
  for (;;) {
    ctx.checkOpen();
    const free = ctx.db.pragma('freelist_count', { simple: true }) as number;
    if (free === 0) break;
    ctx.db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_STEP})`);
    // A file without incremental auto-vacuum (made elsewhere) frees nothing: stop there.
    if ((ctx.db.pragma('freelist_count', { simple: true }) as number) >= free) break;
    await nextTurn();
  }
  ctx.checkOpen();
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
}
