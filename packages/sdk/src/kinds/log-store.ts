/**
 * The `logStore` plugin kind: where job log lines live (SQLite, TiDB/MySQL...).
 *
 * ## Lifecycle
 * ```
 * create(config, ctx)                      opens connections, runs its own migrations
 *   append / read / follow / prune         any order, concurrently
 *   deleteRun (optional)
 * close()                                  once; ends every follow(); idempotent
 * ```
 * ## Contract (the log store conformance suite checks it)
 * - `append` (from {@link LogSink}) receives lines already masked and numbered (`seq` per job
 *   attempt, no gaps); it stores them durably before resolving. Appending a line whose
 *   (runId, jobPath, attempt, seq) is already stored is a no-op (the first stored copy wins), so
 *   the engine can retry a batch. A batch may mix lines of several jobs.
 * - `append` rejects a batch holding an invalid line (empty `runId` or `jobPath`, `attempt` or
 *   `seq` not a positive safe integer, `stream` not one of the three, `text` not a string, `time`
 *   not a finite number) and then stores **none** of the batch: a failed `append` never leaves a
 *   batch half-written.
 * - `read` returns lines of one job (one attempt, or every attempt) with `seq > afterSeq`, ordered by
 *   attempt then `seq`, at most `limit`. Without `attempt`, `afterSeq` applies to each attempt's
 *   own numbering.
 * - `follow` first yields what `read` would, then every line appended later, in order, without
 *   gaps or duplicates (also when appends race with its start), until `signal` aborts, `close()`
 *   is called, or `limit` lines were yielded; it then returns (no throw). Following every attempt
 *   assumes an attempt's lines are appended before the next attempt's (the engine does so).
 * - `prune` deletes lines with `time < olderThan` (ms epoch) and resolves with how many it deleted.
 * - `deleteRun` (optional: retention of whole runs) deletes every line of one run and resolves with
 *   how many it deleted; unknown runs delete nothing.
 * - After `close()`, `append`, `read`, `prune` and `deleteRun` reject; `follow` returns at once.
 * - Errors are `ContainerOpsError`s with a stable `code`: `OperationalError` when the storage
 *   fails (database down, disk full), so the caller may retry.
 */
import type { JobLogLine, LogQuery, LogSink } from '@containerops/core';
import type { HealthStatus } from '../plugin/health.js';

export interface LogStore extends LogSink {
  /** Stored lines, then live ones, until `signal` aborts, the store closes or `limit` is reached. */
  follow(query: LogQuery, signal: AbortSignal): AsyncIterable<JobLogLine>;
  /** Deletes lines older than `olderThan` (ms epoch); resolves with the number deleted. */
  prune(olderThan: number): Promise<number>;
  /**
   * Deletes every line of one run (all jobs, all attempts); resolves with the number deleted.
   * Optional: hosts fall back to `prune` by age when a store lacks it.
   */
  deleteRun?(runId: string): Promise<number>;
  /** Releases connections; ends every `follow`. Idempotent. */
  close(): Promise<void>;
  /**
   * Whether the store works (e.g. its database answers); cheap, never rejects. Optional: hosts
   * treat a store without it as ok. Shown by `/readyz` details, GraphQL and the dashboard.
   */
  health?(): Promise<HealthStatus>;
}
