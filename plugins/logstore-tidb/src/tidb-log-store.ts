/**
 * `TidbLogStore`: job log lines in one table of a MySQL-protocol database (TiDB first, MariaDB and
 * MySQL too) through mysql2, implementing the SDK's `LogStore` contract. See the package README
 * for the guarantees, the schema and the numbers.
 *
 * Appends are multi-row `INSERT` statements sized by batching.ts, written again as `INSERT ... ON
 * DUPLICATE KEY UPDATE seq = seq` when a line was already stored (a re-appended line changes
 * nothing, any other error still fails); a batch that needs more than one statement is one
 * transaction (TiDB: pessimistic, its default). Reads and
 * `follow` are range scans of the clustered primary key. Several processes may share the table.
 */
import { createPool } from 'mysql2/promise';
import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ContainerOpsError } from '@containerops/sdk';
import type { HealthStatus, JobLogLine, LogQuery, LogStore } from '@containerops/sdk';
import { planBatches } from './batching.js';
import type { BatchLimits, StatementRange } from './batching.js';
import { ChangeNotifier } from './change-notifier.js';
import { detectDialect } from './dialect.js';
import type { ServerInfo } from './dialect.js';
import { closedError, storageError } from './errors.js';
import { jobKey, runKey, shardOf } from './keys.js';
import { checkLines, streamCodes, streamNames } from './line-validation.js';
import { deleteRunLines, pruneOlderThan } from './retention.js';
import type { RetentionContext } from './retention.js';
import { applyTtl, checkTableName, ensureTable } from './schema.js';

export interface TidbLogStoreOptions {
  /**
   * `mysql://user:password@host:port/database`; the database must exist. TiDB's default port is
   * 4000, MariaDB's and MySQL's 3306.
   */
  readonly url: string;
  /** The table (created if missing). Default `containerops_log_lines`. */
  readonly table?: string;
  /**
   * Delete lines stored more than this many days ago, by themselves: through a TiDB TTL on the
   * table where the server has TTL tables, otherwise by a batched `prune` the store runs hourly.
   * Unset (default): nothing is deleted but by the host's `prune`/`deleteRun` calls (and an
   * existing TTL is removed).
   */
  readonly retentionDays?: number;
  /** First wait of an idle `follow` before it re-reads (other processes' appends). Default 50 ms. */
  readonly pollIntervalMs?: number;
  /** The idle `follow`'s wait doubles up to this. Default 1,000 ms. */
  readonly maxPollIntervalMs?: number;
  /** Connections in the pool. Default 8. */
  readonly connectionLimit?: number;
  /** Rows per INSERT statement. Default 1,000. */
  readonly maxRowsPerStatement?: number;
  /** Estimated bytes per INSERT statement (below `max_allowed_packet`). Default 4 MiB. */
  readonly maxStatementBytes?: number;
  /** Estimated bytes per transaction (below TiDB's `txn-total-size-limit`). Default 32 MiB. */
  readonly maxTransactionBytes?: number;
  /** Longest text accepted (below TiDB's `txn-entry-size-limit`, 6 MiB). Default 6 MiB − 64 KiB. */
  readonly maxLineBytes?: number;
  /** Lines deleted per statement by `prune` and `deleteRun`. Default 5,000. */
  readonly pruneChunkSize?: number;
  /** Where the store reports what it does not fail on (TTL refused, a retention run failed). */
  readonly warn?: (message: string) => void;
}

/** How lines older than `retentionDays` go away. */
export type RetentionMode = 'ttl' | 'batched-delete' | 'none';

const DEFAULT_TABLE = 'containerops_log_lines';
/** The protocol's limit on the placeholders of one prepared statement. */
const MAX_PLACEHOLDERS = 65_535;
/** Lines read per query by `follow` (it pages through long logs). */
const FOLLOW_PAGE = 1000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** One line's values, in the column order of the INSERT. */
type RowValues = (Buffer | number | string)[];

type LineRow = RowDataPacket & {
  attempt: number;
  seq: number;
  stream: number;
  time_ms: number;
  text: string;
};

/** The store; open one with {@link openTidbLogStore}. */
export class TidbLogStore implements LogStore {
  private readonly notifier = new ChangeNotifier();
  private readonly retention: RetentionContext;
  private readonly limits: BatchLimits;
  private readonly maxLineBytes: number;
  private readonly pollIntervalMs: number;
  private readonly maxPollIntervalMs: number;
  private retentionTimer: ReturnType<typeof setInterval> | undefined;
  /** The SQL of the prepared full-size INSERTs (plain, and idempotent), built once. */
  private readonly preparedSql = new Map<string, string>();
  private closing: Promise<void> | undefined;

  /** @internal Use {@link openTidbLogStore}: the table must exist first. */
  constructor(
    private readonly pool: Pool,
    /** The table, and where it lives (`host:port/database.table`, for messages). */
    readonly table: string,
    readonly where: string,
    /** The server: its dialect decides the table options. */
    readonly server: ServerInfo,
    /** How `retentionDays` is enforced on this server. */
    readonly retentionMode: RetentionMode,
    options: TidbLogStoreOptions,
  ) {
    this.limits = {
      maxRowsPerStatement: options.maxRowsPerStatement ?? 1000,
      maxStatementBytes: options.maxStatementBytes ?? 4 * 1024 * 1024,
      maxTransactionBytes: options.maxTransactionBytes ?? 32 * 1024 * 1024,
    };
    this.maxLineBytes = options.maxLineBytes ?? 6 * 1024 * 1024 - 64 * 1024;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.maxPollIntervalMs = Math.max(this.pollIntervalMs, options.maxPollIntervalMs ?? 1000);
    this.retention = {
      pool,
      table,
      chunkSize: options.pruneChunkSize ?? 5000,
      checkOpen: () => this.checkOpen('prune'),
    };
    const days = options.retentionDays;
    if (retentionMode === 'batched-delete' && days !== undefined) {
      const warn = options.warn ?? (() => undefined);
      this.retentionTimer = setInterval(() => {
        this.prune(Date.now() - days * DAY_MS).catch((error: unknown) => {
          if (!this.closed) warn(`log retention on ${where} failed: ${(error as Error).message}`);
        });
      }, HOUR_MS);
      // Retention must never keep a process alive on its own.
      this.retentionTimer.unref();
    }
  }

  private get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * Stores the batch: one statement, or one transaction of several (all or none). A batch over
   * `maxTransactionBytes` is written as several transactions in order; if one fails, the batch
   * rejects and appending it again completes it (re-appended lines are no-ops).
   */
  async append(lines: readonly JobLogLine[]): Promise<void> {
    this.checkOpen('append');
    if (lines.length === 0) return;
    const sizes = checkLines(lines, this.maxLineBytes);
    const rows = toRows(lines);
    const touched = new Set(lines.map((line) => ChangeNotifier.key(line.runId, line.jobPath)));
    try {
      for (const statements of planBatches(sizes, this.limits)) {
        await this.insertTransaction(rows, statements);
      }
    } catch (error) {
      throw this.wrap('append', error);
    }
    for (const key of touched) this.notifier.wake(key);
  }

  async read(query: LogQuery): Promise<readonly JobLogLine[]> {
    this.checkOpen('read');
    if (query.limit === 0) return [];
    const afterSeq = query.afterSeq ?? 0;
    return query.attempt === undefined
      ? this.readRange(query, 0, 0, afterSeq, query.limit)
      : this.readRange(query, query.attempt, afterSeq, afterSeq, query.limit);
  }

  /**
   * Stored lines, then live ones: pages through what is stored; once a read finds nothing new,
   * waits for an append of this process (at once) or a poll timeout (other processes), growing
   * from `pollIntervalMs` to `maxPollIntervalMs` while the job stays idle.
   */
  async *follow(query: LogQuery, signal: AbortSignal): AsyncGenerator<JobLogLine, void, undefined> {
    if (this.closed || signal.aborted) return;
    const key = ChangeNotifier.key(query.runId, query.jobPath);
    const afterSeq = query.afterSeq ?? 0;
    let remaining = query.limit ?? Number.POSITIVE_INFINITY;
    // Position of the last line delivered: (attempt, seq).
    let attempt = query.attempt ?? 0;
    let seq = query.attempt === undefined ? 0 : afterSeq;
    let idleWait = this.pollIntervalMs;
    this.notifier.watch(key);
    try {
      while (remaining > 0 && !this.closed && !signal.aborted) {
        const version = this.notifier.version(key);
        const pageSize = Math.min(FOLLOW_PAGE, remaining);
        let page: readonly JobLogLine[];
        try {
          page = await this.readRange(query, attempt, seq, afterSeq, pageSize);
        } catch (error) {
          // close() raced with the read: end quietly, as the contract says.
          if (this.closed || signal.aborted) return;
          throw error;
        }
        if (page.length === 0) {
          if (this.notifier.version(key) !== version) continue;
          await this.notifier.wait(key, signal, idleWait);
          idleWait = Math.min(idleWait * 2, this.maxPollIntervalMs);
          continue;
        }
        idleWait = this.pollIntervalMs;
        for (const line of page) {
          if (this.closed || signal.aborted) return;
          attempt = line.attempt;
          seq = line.seq;
          remaining--;
          yield line;
        }
      }
    } finally {
      this.notifier.unwatch(key);
    }
  }

  async prune(olderThan: number): Promise<number> {
    this.checkOpen('prune');
    try {
      return await pruneOlderThan(this.retention, olderThan);
    } catch (error) {
      throw this.wrap('prune', error);
    }
  }

  /** Deletes every line of one run (retention of whole runs); resolves with how many. */
  async deleteRun(runId: string): Promise<number> {
    this.checkOpen('deleteRun');
    try {
      return await deleteRunLines(this.retention, runId);
    } catch (error) {
      throw this.wrap('deleteRun', error);
    }
  }

  /** Whether the database answers a query (cheap; for the host's plugin health). Never rejects. */
  async health(): Promise<HealthStatus> {
    if (this.closed) return { ok: false, reason: 'the log store is closed' };
    try {
      await this.pool.query('SELECT 1');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: storageError('health', this.where, error).message };
    }
  }

  /** Ends every follow and closes the pool's connections. Idempotent, also concurrently. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      clearInterval(this.retentionTimer);
      this.notifier.wakeAll();
      this.closing = this.pool.end().catch((error: unknown) => {
        throw storageError('close', this.where, error);
      });
    }
    return this.closing;
  }

  /**
   * One transaction of the batch. Plain `INSERT` first: it costs TiDB less than `ON DUPLICATE KEY
   * UPDATE`, which must read every key it writes (about a quarter to a third less TiDB CPU per
   * line, measured with bench/src/logstore-tidb.bench.ts). Re-appends are rare (a retry after a
   * failure), so only when the server answers "duplicate entry" is the whole transaction (rolled
   * back by then: a failed statement changes nothing) written again with the idempotent form.
   */
  private async insertTransaction(
    rows: readonly RowValues[],
    statements: readonly StatementRange[],
  ): Promise<void> {
    try {
      await this.insertStatements(rows, statements, '');
    } catch (error) {
      if (!isDuplicateEntry(error)) throw error;
      await this.insertStatements(rows, statements, ' ON DUPLICATE KEY UPDATE seq = seq');
    }
  }

  private async insertStatements(
    rows: readonly RowValues[],
    statements: readonly StatementRange[],
    onDuplicate: string,
  ): Promise<void> {
    const [only] = statements;
    if (statements.length === 1 && only !== undefined) {
      // One statement is atomic on its own: no BEGIN/COMMIT round trips.
      await this.insertRows(this.pool, rows.slice(only.from, only.to), onDuplicate);
      return;
    }
    const connection: PoolConnection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      try {
        for (const { from, to } of statements)
          await this.insertRows(connection, rows.slice(from, to), onDuplicate);
        await connection.commit();
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      }
    } finally {
      connection.release();
    }
  }

  /**
   * One multi-row INSERT. A full statement (`maxRowsPerStatement` rows, what bulk ingest sends)
   * goes as a server-side prepared statement: one shape, parsed and planned once per connection,
   * its values sent in binary; that cost TiDB 22–27 ms of CPU per 1,000 lines instead of 31–33 ms
   * for the same rows as SQL text (bench/README.md). Other sizes (the engine's small batches) go
   * as text with client-side escaping, so the server does not keep a prepared statement for every
   * row count.
   */
  private async insertRows(
    target: Pool | PoolConnection,
    rows: readonly RowValues[],
    onDuplicate: string,
  ): Promise<void> {
    const columns = `\`${this.table}\` (run_key, job_key, attempt, seq, shard, stream, time_ms, text)`;
    if (rows.length === this.limits.maxRowsPerStatement && rows.length * 8 <= MAX_PLACEHOLDERS) {
      const key = `${rows.length}${onDuplicate}`;
      let sql = this.preparedSql.get(key);
      if (sql === undefined) {
        const tuples = Array.from({ length: rows.length }, () => '(?, ?, ?, ?, ?, ?, ?, ?)');
        sql = `INSERT INTO ${columns} VALUES ${tuples.join(', ')}${onDuplicate}`;
        this.preparedSql.set(key, sql);
      }
      await target.execute(sql, rows.flat());
      return;
    }
    await target.query(`INSERT INTO ${columns} VALUES ?${onDuplicate}`, [rows]);
  }

  /**
   * Lines of one job after the position (attempt, seq), each with seq > afterSeq, in (attempt,
   * seq) order. With `query.attempt` set, only that attempt.
   */
  private async readRange(
    query: LogQuery,
    attempt: number,
    seq: number,
    afterSeq: number,
    limit: number | undefined,
  ): Promise<JobLogLine[]> {
    this.checkOpen('read');
    const keys = [runKey(query.runId), jobKey(query.jobPath)];
    const columns = 'attempt, seq, stream, time_ms, text';
    const limitSql = limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(limit))}`;
    const [sql, values] =
      query.attempt === undefined
        ? [
            `SELECT ${columns} FROM \`${this.table}\` WHERE run_key = ? AND job_key = ?
               AND (attempt > ? OR (attempt = ? AND seq > ?)) AND seq > ?
             ORDER BY attempt, seq${limitSql}`,
            [...keys, attempt, attempt, seq, afterSeq],
          ]
        : [
            `SELECT ${columns} FROM \`${this.table}\` WHERE run_key = ? AND job_key = ?
               AND attempt = ? AND seq > ?
             ORDER BY seq${limitSql}`,
            [...keys, attempt, Math.max(seq, afterSeq)],
          ];
    let rows: LineRow[];
    try {
      [rows] = await this.pool.query<LineRow[]>(sql, values);
    } catch (error) {
      throw this.wrap('read', error);
    }
    return rows.map((row) => ({
      runId: query.runId,
      jobPath: query.jobPath,
      attempt: Number(row.attempt),
      seq: Number(row.seq),
      stream: streamNames[row.stream] ?? 'system',
      text: row.text,
      time: Number(row.time_ms),
    }));
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw closedError(operation);
  }

  private wrap(operation: string, error: unknown): unknown {
    // Our own errors (closed, invalid line) already carry a stable code.
    if (error instanceof ContainerOpsError) return error;
    if (this.closed) return closedError(operation);
    return storageError(operation, this.where, error);
  }
}

/** MySQL's ER_DUP_ENTRY (1062), which TiDB and MariaDB both answer for a key already stored. */
function isDuplicateEntry(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { errno?: unknown }).errno === 1062
  );
}

/**
 * The batch as the INSERT's values, in the column order of the statement. Keys are hashed once
 * per distinct run and job of the batch: two SHA-256 per line cost more client CPU than the rest
 * of the append.
 */
function toRows(lines: readonly JobLogLine[]): RowValues[] {
  const runs = new Map<string, Buffer>();
  const jobs = new Map<string, Buffer>();
  return lines.map((line) => {
    let run = runs.get(line.runId);
    if (run === undefined) runs.set(line.runId, (run = runKey(line.runId)));
    let job = jobs.get(line.jobPath);
    if (job === undefined) jobs.set(line.jobPath, (job = jobKey(line.jobPath)));
    return [
      run,
      job,
      line.attempt,
      line.seq,
      shardOf(run),
      streamCodes[line.stream],
      line.time,
      line.text,
    ];
  });
}

/** `host:port/database` of a URL, without credentials (for messages). */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '3306'}${parsed.pathname}`;
  } catch {
    return '(an invalid database URL)';
  }
}

/**
 * Connects, detects the server (`SELECT VERSION()`), creates the table if missing, sets its TTL
 * per `retentionDays`, and returns the store. Rejects with `LOG_STORE_FAILED` when the database
 * cannot be reached or refuses, `LOG_STORE_SCHEMA_TOO_NEW` for a table of a newer plugin.
 */
export async function openTidbLogStore(options: TidbLogStoreOptions): Promise<TidbLogStore> {
  const table = checkTableName(options.table ?? DEFAULT_TABLE);
  const where = `${describeUrl(options.url)}.${table}`;
  const pool = createPool({
    uri: options.url,
    connectionLimit: options.connectionLimit ?? 8,
    // utf8mb4 end to end: emoji and other 4-byte characters are stored as sent.
    charset: 'UTF8MB4_BIN',
    enableKeepAlive: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
  });
  try {
    const [rows] = await pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
    const server = detectDialect(String(rows[0]?.['version'] ?? ''));
    await ensureTable(pool, table, server);
    const warn = options.warn ?? (() => undefined);
    const ttl = await applyTtl(pool, table, server, options.retentionDays, warn);
    const mode: RetentionMode =
      options.retentionDays === undefined ? 'none' : ttl ? 'ttl' : 'batched-delete';
    return new TidbLogStore(pool, table, where, server, mode, options);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof ContainerOpsError) throw error;
    throw storageError('open', where, error);
  }
}
