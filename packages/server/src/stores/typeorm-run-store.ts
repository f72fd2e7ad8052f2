/**
 * Core's {@link RunStore} on the server's database (TypeORM).
 *
 * - `appendEvents`: serialised in-process; the batch gets the next `seq` values (one past the
 *   highest stored, read once and then tracked) and is inserted in ONE transaction, so it is
 *   all-or-nothing and durable when the promise resolves. `seq` is the primary key: a second
 *   writer on the same database (another replica) that raced for the same numbers fails its
 *   insert, forgets its cached counter, and retries at once with fresh numbers (a few times;
 *   then the engine's outbox retries).
 * - `saveRun`/`saveRunRequest`: coalesced. The snapshot is serialised at call time (the engine
 *   passes its live object), queued per run (a newer snapshot replaces a queued one), and
 *   written with the other queued runs in one transaction on the next event-loop turn; each
 *   call resolves once a write at least as new as its own is committed. Safe because the
 *   events, not the snapshot, are the source of truth for recovery (`Engine.recover` replays
 *   them over the saved request; the saved status only selects which runs to look at, and a
 *   run's first snapshot is written before any later, terminal one).
 * - A failed write (disk full) loses nothing: the batch goes back into the queue (under anything
 *   newer queued meanwhile) and is retried with growing delays until it is stored; its callers
 *   wait until then (a run's request is saved only once, and a restarted server needs it).
 * - Reads see queued saves (read-your-writes).
 */
import type {
  EngineEvent,
  EventQuery,
  NewEngineEvent,
  RunRequest,
  RunSnapshot,
  RunStore,
} from '@containerops/core';
import type { EntityManager } from 'typeorm';
import type { Database } from '../db/database.js';
import { EventEntity, RunEntity } from '../db/entities.js';
import type { RunRow } from '../db/entities.js';
import { isDuplicateKey } from '../triggers/replay-guard.js';
import { runRowOfRequest, runRowOfSnapshot } from './run-rows.js';
import { insertEventsSqlite, upsertRunSqlite } from './sqlite-run-writes.js';
import { RunNotificationEntity } from '../notifiers/notification.entity.js';
import type { JobAttemptWriter } from './job-attempt-writer.js';

/** Rows per INSERT statement (SQLite allows 32,766 bound parameters; 4 per event). */
const INSERT_CHUNK = 500;
const UNFINISHED = ['queued', 'running', 'waiting'];
/** Immediate re-tries of an append whose `seq` numbers another replica took meanwhile. */
const SEQ_RACE_RETRIES = 8;
/** Delays before retrying a failed write of queued runs; the last one repeats. */
const RETRY_DELAYS_MS = [100, 500, 1000, 2000] as const;

interface PendingRun {
  snapshot?: string;
  request?: string;
  waiters: (() => void)[];
}

export class TypeOrmRunStore implements RunStore {
  private nextSeq: number | undefined;
  private appendTail: Promise<unknown> = Promise.resolve();
  private pending = new Map<string, PendingRun>();
  private flushScheduled = false;
  private flushing: Promise<void> | undefined;
  /** The batch {@link flushing} writes (read by {@link saved}). */
  private writing: ReadonlyMap<string, PendingRun> | undefined;
  private runsWritten = 0;
  /** Consecutive failed writes of queued runs; a retry is scheduled while > 0. */
  private failedWrites = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly db: Database,
    /** Called with each batch once committed, in `seq` order (feeds the live event bus). */
    private readonly onAppended?: (events: readonly EngineEvent[]) => void,
    /** Stores `job_attempts` rows with the events that start and end attempts. */
    private readonly jobAttempts?: JobAttemptWriter,
  ) {}

  /** Changes whenever this store wrote the `runs` table (caches of counts compare it). */
  get runsGeneration(): number {
    return this.runsWritten;
  }

  appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    if (events.length === 0) return Promise.resolve([]);
    const run = (): Promise<readonly EngineEvent[]> => this.appendNumbered(events);
    const result = this.appendTail.then(run, run);
    this.appendTail = result.catch(() => undefined);
    return result;
  }

  /**
   * {@link appendNow}, again at once with fresh numbers when another replica took them first
   * (a duplicate `seq`): that race is expected with replicas, and the outbox's retry delays
   * would slow every run down.
   */
  private async appendNumbered(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendNow(events);
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= SEQ_RACE_RETRIES) throw error;
      }
    }
  }

  private async appendNow(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    try {
      const attempts = await this.jobAttempts?.prepare(events, this);
      const committed = await this.db.transaction(async (manager) => {
        await attempts?.write(manager);
        const first = this.nextSeq ?? (await this.maxSeq(manager)) + 1;
        const numbered: EngineEvent[] = events.map((e, i) =>
          Object.assign({}, e, { seq: first + i }),
        );
        for (let i = 0; i < numbered.length; i += INSERT_CHUNK) {
          const rows = numbered.slice(i, i + INSERT_CHUNK).map((e) => ({
            seq: e.seq,
            runId: e.runId,
            time: e.time,
            body: JSON.stringify(e),
          }));
          if (this.db.sqlite) await insertEventsSqlite(manager, rows);
          else await manager.createQueryBuilder().insert().into(EventEntity).values(rows).execute();
        }
        this.nextSeq = first + events.length;
        return numbered;
      });
      this.onAppended?.(committed);
      return committed;
    } catch (error) {
      this.nextSeq = undefined; // re-read: another writer may have taken these numbers
      throw error;
    }
  }

  /**
   * The highest seq stored so far (0 when none), once every append started before the call has
   * settled. Live feeds without a starting point begin after it.
   */
  async currentSeq(): Promise<number> {
    await this.appendTail;
    return this.nextSeq === undefined ? this.maxSeq(this.db.manager) : this.nextSeq - 1;
  }

  private async maxSeq(manager: EntityManager): Promise<number> {
    const row = await manager
      .createQueryBuilder(EventEntity, 'e')
      .select('MAX(e.seq)', 'max')
      .getRawOne<{ max: string | number | null }>();
    return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
  }

  async readEvents(query: EventQuery): Promise<readonly EngineEvent[]> {
    const qb = this.db.manager
      .createQueryBuilder(EventEntity, 'e')
      .select(['e.seq', 'e.body'])
      .where('e.seq > :after', { after: query.afterSeq ?? 0 })
      .orderBy('e.seq', 'ASC');
    if (query.runId !== undefined) qb.andWhere('e.run_id = :runId', { runId: query.runId });
    if (query.limit !== undefined) qb.limit(query.limit);
    const rows = await qb.getRawMany<{ e_seq: string | number; e_body: string }>();
    return rows.map((r) =>
      Object.assign(JSON.parse(r.e_body) as NewEngineEvent, { seq: Number(r.e_seq) }),
    );
  }

  saveRun(snapshot: RunSnapshot): Promise<void> {
    return this.enqueue(snapshot.runId, { snapshot: JSON.stringify(snapshot) });
  }

  async getRun(runId: string): Promise<RunSnapshot | undefined> {
    const queued = this.pending.get(runId)?.snapshot;
    if (queued !== undefined) return JSON.parse(queued) as RunSnapshot;
    const row = await this.db.manager.findOne(RunEntity, {
      where: { id: runId },
      select: { id: true, snapshot: true },
    });
    return row?.snapshot == null ? undefined : (JSON.parse(row.snapshot) as RunSnapshot);
  }

  saveRunRequest(request: RunRequest): Promise<void> {
    return this.enqueue(request.runId, { request: JSON.stringify(request) });
  }

  async getRunRequest(runId: string): Promise<RunRequest | undefined> {
    const queued = this.pending.get(runId)?.request;
    if (queued !== undefined) return JSON.parse(queued) as RunRequest;
    const row = await this.db.manager.findOne(RunEntity, {
      where: { id: runId },
      select: { id: true, request: true },
    });
    return row?.request == null ? undefined : (JSON.parse(row.request) as RunRequest);
  }

  async listUnfinishedRuns(): Promise<RunSnapshot[]> {
    await this.flushed();
    const rows = await this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select(['r.id', 'r.snapshot', 'r.createdAt'])
      .where('r.status IN (:...open)', { open: UNFINISHED })
      .andWhere('r.snapshot IS NOT NULL')
      .orderBy('r.created_at', 'ASC')
      .getMany();
    return rows.map((r) => JSON.parse(r.snapshot as string) as RunSnapshot);
  }

  /**
   * Resolves once every save queued before the call is committed, or, while writes fail (a retry
   * is scheduled), once the write in progress settled: readers must not hang on a full disk.
   */
  async flushed(): Promise<void> {
    while (
      this.flushing !== undefined ||
      (this.pending.size > 0 && this.retryTimer === undefined)
    ) {
      if (this.flushing !== undefined) await this.flushing;
      else await this.flush();
      if (this.failedWrites > 0) return; // failing: retried on a timer, not by readers
    }
  }

  /**
   * Resolves true once the saves of run `runId` queued before the call are committed — only
   * those: not the saves other runs (or this run, once it moves) queue meanwhile, which
   * {@link flushed} would wait for too — or false, without waiting further, while writes fail (a
   * retry is scheduled: the caller decides).
   */
  async saved(runId: string): Promise<boolean> {
    // The queued entry of this run: later saves go into it until its batch starts writing, then
    // into a new one, which is not waited for.
    const entry = this.pending.get(runId) ?? this.writing?.get(runId);
    if (entry === undefined) return true;
    for (;;) {
      if (this.failedWrites > 0) return false;
      if (this.pending.get(runId) !== entry && this.writing?.get(runId) !== entry) return true;
      // Its flush is scheduled (setImmediate) or follows the one in progress.
      await (this.flushing ?? new Promise<void>((resolve) => setImmediate(resolve)));
    }
  }

  /** Run saves queued and not yet stored (more than 0 after `flushed()` only while writes fail). */
  get unsavedRuns(): number {
    return this.pending.size;
  }

  private enqueue(runId: string, change: { snapshot?: string; request?: string }): Promise<void> {
    return new Promise<void>((resolve) => {
      let entry = this.pending.get(runId);
      if (entry === undefined) {
        entry = { waiters: [] };
        this.pending.set(runId, entry);
      }
      if (change.snapshot !== undefined) entry.snapshot = change.snapshot;
      if (change.request !== undefined) entry.request = change.request;
      entry.waiters.push(resolve);
      if (!this.flushScheduled && this.flushing === undefined && this.retryTimer === undefined) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.flushing !== undefined || this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.writing = batch;
    const work = this.writeRuns(batch).then(
      () => {
        this.failedWrites = 0;
        for (const entry of batch.values()) for (const done of entry.waiters) done();
      },
      () => {
        // One transaction: nothing of the batch was stored. Keep it and try again later (the
        // failure itself was logged and reported by Database.transaction).
        this.requeue(batch);
        this.failedWrites++;
        if (!this.db.dataSource.isInitialized) return; // closed: nothing more can be written
        const delay = RETRY_DELAYS_MS[Math.min(this.failedWrites, RETRY_DELAYS_MS.length) - 1];
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          void this.flush();
        }, delay);
        this.retryTimer.unref();
      },
    );
    this.flushing = work;
    await work;
    this.flushing = undefined;
    this.writing = undefined;
    if (this.pending.size > 0 && this.retryTimer === undefined) void this.flush();
  }

  /** Puts a failed batch back into the queue; what was queued since is newer and wins. */
  private requeue(batch: Map<string, PendingRun>): void {
    for (const [runId, newer] of this.pending) {
      const older = batch.get(runId);
      if (older === undefined) {
        batch.set(runId, newer);
        continue;
      }
      if (newer.snapshot !== undefined) older.snapshot = newer.snapshot;
      if (newer.request !== undefined) older.request = newer.request;
      older.waiters.push(...newer.waiters);
    }
    this.pending = batch;
  }

  private async writeRuns(batch: ReadonlyMap<string, PendingRun>): Promise<void> {
    await this.db.transaction(async (manager) => {
      for (const [runId, entry] of batch) {
        let row: RunRow;
        const columns: (keyof RunRow)[] = [];
        if (entry.snapshot !== undefined) {
          row = runRowOfSnapshot(JSON.parse(entry.snapshot) as RunSnapshot, entry.snapshot);
          columns.push(
            'status',
            'createdAt',
            'startedAt',
            'finishedAt',
            'snapshot',
            'triggerType',
            'triggeredBy',
          );
          if (entry.request !== undefined) {
            row.request = entry.request;
            columns.push('request');
          }
        } else {
          row = runRowOfRequest(
            runId,
            JSON.parse(entry.request as string) as RunRequest,
            entry.request as string,
          );
          columns.push('request');
        }
        if (this.db.sqlite) {
          await upsertRunSqlite(manager, row, columns);
          continue;
        }
        await manager
          .createQueryBuilder()
          .insert()
          .into(RunEntity)
          .values(row)
          .orUpdate(columns.map(columnName), ['id'])
          .execute();
      }
    });
    this.runsWritten++;
  }

  /**
   * Deletes finished runs that ended before `finishedBefore` (ms epoch), with their events.
   * Returns the ids deleted (at most `limit`, oldest first), so callers can prune more state.
   */
  /** Ids of finished runs that ended before `finishedBefore`, oldest first (retention). */
  async finishedRunsBefore(finishedBefore: number, limit = 1000): Promise<string[]> {
    await this.flushed();
    const rows = await this.db.manager
      .createQueryBuilder(RunEntity, 'r')
      .select(['r.id'])
      .where('r.finished_at IS NOT NULL AND r.finished_at < :before', { before: finishedBefore })
      .orderBy('r.finished_at', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map((r) => r.id);
  }

  /**
   * Deletes these runs' rows, events and notification records in one transaction, except the highest stored event:
   * seqs are numbered from MAX(seq) after a restart, and a client resuming with `afterSeq` must
   * never see a number again (it would skip the new events). The one kept row belongs to no run,
   * so no feed shows it.
   */
  async deleteRuns(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.transaction(async (manager) => {
      const highest = await this.maxSeq(manager);
      await manager
        .createQueryBuilder()
        .delete()
        .from(EventEntity)
        .where('run_id IN (:...ids)', { ids })
        .andWhere('seq < :highest', { highest })
        .execute();
      await manager
        .createQueryBuilder()
        .delete()
        .from(RunNotificationEntity)
        .where('run_id IN (:...ids)', { ids })
        .execute();
      await manager
        .createQueryBuilder()
        .delete()
        .from(RunEntity)
        .where('id IN (:...ids)', { ids })
        .execute();
    });
    this.runsWritten++;
  }

  /** Finished runs older than `finishedBefore` (rows and events); returns their ids. */
  async pruneFinishedRuns(finishedBefore: number, limit = 1000): Promise<string[]> {
    const ids = await this.finishedRunsBefore(finishedBefore, limit);
    await this.deleteRuns(ids);
    return ids;
  }
}

const COLUMN_NAMES: Readonly<Record<keyof RunRow, string>> = {
  id: 'id',
  workflowUri: 'workflow_uri',
  organization: 'organization',
  status: 'status',
  triggerType: 'trigger_type',
  triggeredBy: 'triggered_by',
  createdAt: 'created_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  snapshot: 'snapshot',
  request: 'request',
};

function columnName(key: keyof RunRow): string {
  return COLUMN_NAMES[key];
}
