/**
 * Where the engine writes what happens. Core ships in-memory implementations; the server brings
 * database ones (TypeORM) and log store plugins (SQLite, TiDB).
 *
 * Contract for implementations:
 * - `appendEvents` numbers events with strictly increasing `seq` across the whole store, in the
 *   order given, atomically (all or none), and resolves only once they are durable.
 * - `readEvents` returns events with `seq > afterSeq` in `seq` order.
 * - Calls may be concurrent; implementations serialise what must be serialised.
 */
import type { EngineEvent, JobLogLine, NewEngineEvent } from './events.js';
import type { RunRequest } from './run-request.js';
import type { RunSnapshot } from './snapshot.js';

export interface EventQuery {
  readonly afterSeq?: number;
  readonly runId?: string;
  readonly limit?: number;
}

export interface RunStore {
  appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]>;
  readEvents(query: EventQuery): Promise<readonly EngineEvent[]>;
  /** Saves the latest snapshot of a run (replaces the previous one). */
  saveRun(snapshot: RunSnapshot): Promise<void>;
  getRun(runId: string): Promise<RunSnapshot | undefined>;
  /**
   * Saves what a run was asked to do (once, when it starts; never changed afterwards). A restarted
   * engine needs it to rebuild the run; a run whose request is missing cannot be resumed and is
   * ended `failed` by `Engine.recover`.
   */
  saveRunRequest(request: RunRequest): Promise<void>;
  getRunRequest(runId: string): Promise<RunRequest | undefined>;
  /**
   * Snapshots of every run whose saved status is not terminal (queued, running, waiting), oldest
   * first (by `createdAt`). `Engine.recover` reads it at start-up; the saved status may lag the
   * events, which recovery replays.
   */
  listUnfinishedRuns(): Promise<RunSnapshot[]>;
}

export interface LogQuery {
  readonly runId: string;
  readonly jobPath: string;
  readonly attempt?: number;
  readonly afterSeq?: number;
  readonly limit?: number;
}

/** Receives every job log line (already masked). Appends are batched by the engine. */
export interface LogSink {
  append(lines: readonly JobLogLine[]): Promise<void>;
  read(query: LogQuery): Promise<readonly JobLogLine[]>;
}
