/**
 * The `logStore` plugin kind: where job log lines live (SQLite, TiDB/MySQL...).
 *
 * ## Lifecycle
 * ```
 * create(config, ctx)                      opens connections, runs its own migrations
 *   append / read / follow / prune         any order, concurrently
 * close()                                  once; ends every follow(); idempotent
 * ```
 * ## Contract (the log store conformance suite checks it)
 * - `append` (from {@link LogSink}) receives lines already masked and numbered (`seq` per job
 *   attempt, no gaps); it stores them durably before resolving. Appending a line whose
 *   (runId, jobPath, attempt, seq) is already stored is a no-op, so the engine can retry a batch.
 * - `read` returns lines of one job (one attempt, or every attempt) with `seq > afterSeq`, ordered by
 *   attempt then `seq`, at most `limit`.
 * - `follow` first yields what `read` would, then every line appended later, in order, without
 *   gaps or duplicates, until `signal` aborts or `close()` is called; it then returns (no throw).
 * - `prune` deletes lines with `time < olderThan` (ms epoch) and resolves with how many it deleted.
 * - Errors are `OperationalError`s (database down); a failed `append` must leave nothing half-written.
 */
import type { JobLogLine, LogQuery, LogSink } from '@containerops/core';

export interface LogStore extends LogSink {
  /** Stored lines, then live ones, until `signal` aborts or the store closes. */
  follow(query: LogQuery, signal: AbortSignal): AsyncIterable<JobLogLine>;
  /** Deletes lines older than `olderThan` (ms epoch); resolves with the number deleted. */
  prune(olderThan: number): Promise<number>;
  /** Releases connections; ends every `follow`. Idempotent. */
  close(): Promise<void>;
}
