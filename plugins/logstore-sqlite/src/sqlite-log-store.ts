/**
 * `SqliteLogStore`: job log lines in one SQLite file (better-sqlite3), implementing the SDK's
 * `LogStore` contract. See the package README for the guarantees and the numbers.
 *
 * better-sqlite3 is synchronous: every call runs to completion on the event loop, so calls of
 * this process never interleave inside a transaction. Each `append` is one IMMEDIATE transaction
 * (all lines or none); a batch of 1,000 lines holds the loop for a few milliseconds. Other
 * processes may share the file: SQLite's locks serialise writers (waiting up to `busyTimeoutMs`),
 * and `follow` notices their appends by polling.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContainerOpsError } from '@containerops/sdk';
import type { HealthStatus, JobLogLine, LogQuery, LogStore } from '@containerops/sdk';
import { ChangeNotifier } from './change-notifier.js';
import { closedError, storageError } from './errors.js';
import { assertValidLines, streamCodes, streamNames } from './line-validation.js';
import { compact, deleteRunLines, pruneOlderThan } from './retention.js';
import type { RetentionContext } from './retention.js';
import { openDatabase } from './schema.js';
import type { Database } from './schema.js';
import { LINES_PER_INSERT, prepareStatements } from './statements.js';
import type { LineRow, Statements } from './statements.js';

export interface SqliteLogStoreOptions {
  /** The database file, e.g. `<data>/logs.db`; its directory is created if missing. */
  readonly path: string;
  /**
   * SQLite's `synchronous` with WAL. `normal` (default): a process crash (SIGKILL) loses nothing
   * once `append` resolved; an OS crash or power loss may lose the last transactions (the file
   * stays consistent). `full`: an fsync per append, nothing lost even then, several times slower.
   */
  readonly synchronous?: 'normal' | 'full';
  /** How long a call waits for another process's write lock before failing. Default 5,000 ms. */
  readonly busyTimeoutMs?: number;
  /** How often a waiting `follow` checks for appends by other processes. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Lines deleted per transaction by `prune` and `deleteRun`. Default 5,000. */
  readonly pruneChunkSize?: number;
}

/** Lines read per query by `follow` (it pages through long logs). */
const FOLLOW_PAGE = 1000;
/** SQLite's "no limit". */
const NO_LIMIT = -1;

export class SqliteLogStore implements LogStore {
  /** The database file. */
  readonly path: string;
  private readonly db: Database;
  private readonly statements: Statements;
  private readonly notifier: ChangeNotifier;
  private readonly retention: RetentionContext;
  private readonly appendBatch: (lines: readonly JobLogLine[]) => Set<string>;
  private closed = false;

  constructor(options: SqliteLogStoreOptions) {
    this.path = options.path;
    try {
      mkdirSync(dirname(options.path), { recursive: true });
      this.db = openDatabase({
        path: options.path,
        synchronous: options.synchronous ?? 'normal',
        busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      });
    } catch (error) {
      if (error instanceof ContainerOpsError) throw error;
      throw storageError('open', options.path, error);
    }
    this.statements = prepareStatements(this.db);
    this.notifier = new ChangeNotifier(
      () => this.db.pragma('data_version', { simple: true }) as number,
      options.pollIntervalMs ?? 200,
    );
    this.retention = {
      db: this.db,
      statements: this.statements,
      chunkSize: options.pruneChunkSize ?? 5000,
      checkOpen: () => this.checkOpen('prune'),
    };
    this.appendBatch = this.db.transaction((lines: readonly JobLogLine[]) => this.insert(lines))
      .immediate as (lines: readonly JobLogLine[]) => Set<string>;
  }

  /** Stores the batch in one transaction (all or none); re-appended lines are ignored. */
  append(lines: readonly JobLogLine[]): Promise<void> {
    try {
      this.checkOpen('append');
      if (lines.length === 0) return Promise.resolve();
      assertValidLines(lines);
      const touched = this.guard('append', () => this.appendBatch(lines));
      for (const key of touched) this.notifier.wake(key);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  read(query: LogQuery): Promise<readonly JobLogLine[]> {
    try {
      this.checkOpen('read');
      const limit = query.limit ?? NO_LIMIT;
      const afterSeq = query.afterSeq ?? 0;
      return Promise.resolve(
        this.guard('read', () =>
          query.attempt === undefined
            ? this.readRows(query, (id) => this.statements.readFrom.all(id, 0, 0, afterSeq, limit))
            : this.readRows(query, (id) =>
                this.statements.readAttempt.all(id, query.attempt as number, afterSeq, limit),
              ),
        ),
      );
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /**
   * Stored lines, then live ones. Pages through what is stored, and waits only after a read found
   * nothing new (see {@link ChangeNotifier} for why no append can slip between the two).
   */
  async *follow(query: LogQuery, signal: AbortSignal): AsyncGenerator<JobLogLine, void, undefined> {
    const key = ChangeNotifier.key(query.runId, query.jobPath);
    const afterSeq = query.afterSeq ?? 0;
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    // Position of the last line delivered: (attempt, seq).
    let attempt = query.attempt ?? 0;
    let seq = query.attempt === undefined ? 0 : afterSeq;
    while (remaining > 0 && !this.closed && !signal.aborted) {
      const pageSize = Math.min(FOLLOW_PAGE, remaining);
      const page = this.guard('follow', () =>
        this.readRows(query, (id) =>
          query.attempt === undefined
            ? this.statements.readFrom.all(id, attempt, seq, afterSeq, pageSize)
            : this.statements.readAttempt.all(id, attempt, seq, pageSize),
        ),
      );
      if (page.length === 0) {
        await this.notifier.wait(key, signal);
        continue;
      }
      for (const line of page) {
        if (this.closed || signal.aborted) return;
        attempt = line.attempt;
        seq = line.seq;
        remaining--;
        yield line;
      }
    }
  }

  prune(olderThan: number): Promise<number> {
    try {
      this.checkOpen('prune');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.guardAsync('prune', () => pruneOlderThan(this.retention, olderThan));
  }

  /** Deletes every line of one run (retention of whole runs); resolves with how many. */
  deleteRun(runId: string): Promise<number> {
    try {
      this.checkOpen('deleteRun');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.guardAsync('deleteRun', () => deleteRunLines(this.retention, runId));
  }

  /** Returns free pages to the file system and truncates the WAL (also done by prune). */
  compact(): Promise<void> {
    try {
      this.checkOpen('compact');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.guardAsync('compact', () => compact(this.retention));
  }

  /** Whether the file answers a query (cheap; for the host's plugin health). Never rejects. */
  health(): Promise<HealthStatus> {
    if (this.closed) return Promise.resolve({ ok: false, reason: 'the log store is closed' });
    try {
      this.db.prepare('SELECT 1').pluck().get();
      return Promise.resolve({ ok: true });
    } catch (error) {
      return Promise.resolve({
        ok: false,
        reason: storageError('health', this.path, error).message,
      });
    }
  }

  /** Ends every follow and closes the file (SQLite checkpoints and removes the WAL). */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.notifier.wakeAll();
    try {
      this.db.close();
    } catch (error) {
      return Promise.reject(storageError('close', this.path, error));
    }
    return Promise.resolve();
  }

  /** Inside the append transaction: job ids (created on first use), then the lines. */
  private insert(lines: readonly JobLogLine[]): Set<string> {
    const { jobId, insertJob, insertLine, insertLines } = this.statements;
    const ids = new Map<string, number>();
    const values: (number | string)[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as JobLogLine;
      const key = ChangeNotifier.key(line.runId, line.jobPath);
      let id = ids.get(key);
      if (id === undefined) {
        id =
          jobId.get(line.runId, line.jobPath) ??
          Number(insertJob.run(line.runId, line.jobPath).lastInsertRowid);
        ids.set(key, id);
      }
      const stream = streamCodes[line.stream];
      if (lines.length - i + values.length / 6 < LINES_PER_INSERT && values.length === 0) {
        // The tail of the batch, shorter than one multi-row statement.
        insertLine.run(id, line.attempt, line.seq, stream, line.time, line.text);
        continue;
      }
      values.push(id, line.attempt, line.seq, stream, line.time, line.text);
      if (values.length === LINES_PER_INSERT * 6) {
        insertLines.run(...values);
        values.length = 0;
      }
    }
    return new Set(ids.keys());
  }

  private readRows(query: LogQuery, rows: (jobId: number) => LineRow[]): JobLogLine[] {
    const id = this.statements.jobId.get(query.runId, query.jobPath);
    if (id === undefined) return [];
    return rows(id).map(([attempt, seq, stream, time, text]) => ({
      runId: query.runId,
      jobPath: query.jobPath,
      attempt,
      seq,
      stream: streamNames[stream] ?? 'system',
      text,
      time,
    }));
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw closedError(operation);
  }

  /** Runs a synchronous database call, turning SQLite's errors into `LOG_STORE_FAILED`. */
  private guard<T>(operation: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw this.wrap(operation, error);
    }
  }

  private async guardAsync<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.wrap(operation, error);
    }
  }

  private wrap(operation: string, error: unknown): unknown {
    // Our own errors (closed, invalid line) already carry a stable code.
    if (error instanceof ContainerOpsError) return error;
    return storageError(operation, this.path, error);
  }
}

/** Opens (or creates) a SQLite log store; see {@link SqliteLogStoreOptions}. */
export function createSqliteLogStore(options: SqliteLogStoreOptions): SqliteLogStore {
  return new SqliteLogStore(options);
}
