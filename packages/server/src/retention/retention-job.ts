/**
 * Retention: every `intervalMs`, deletes finished runs older than `runsMs` (with their events,
 * job attempts, log lines and kept workspaces), trigger deliveries older than `deliveriesMs` (default 14 days,
 * always, or `runsMs` when shorter) beyond the newest `maxDeliveries`, lets the workspace keeper
 * drop workspaces kept longer than their own age, then keeps the SQLite files from growing forever
 * (incremental vacuum + WAL checkpoint). Without `runsMs` only workspaces and maintenance run.
 *
 * Unfinished runs are never touched, however old: their log lines are deleted per pruned run
 * (`deleteRun`), not by line age, which would cut the beginning off a long-running job's log.
 * Only a log store without `deleteRun` falls back to pruning by line age. Log lines go BEFORE the
 * run rows: a crash in between leaves rows the next pass selects again, never orphaned lines.
 */
import type { LogStore } from '@containerops/sdk';
import type { RetentionConfig } from '../config/server-config.js';
import type { Database } from '../db/database.js';
import { TriggerDeliveryEntity } from '../db/entities.js';
import { JobAttemptEntity } from '../db/job-attempt.entity.js';
import { vacuumSqlite } from '../db/sqlite-maintenance.js';
import type { ServerLogger } from '../logger.js';
import type { TypeOrmRunStore } from '../stores/typeorm-run-store.js';

/** Delivery records are anonymous input (`/hooks/...`): they always expire, whatever `runsMs`. */
export const DEFAULT_DELIVERY_AGE_MS = 14 * 86_400_000;
/** At most this many delivery records are kept (the newest), whatever their age. */
export const DEFAULT_MAX_DELIVERIES = 100_000;

/** Optional extras some log stores have (the SQLite one does). */
interface PrunableLogStore extends LogStore {
  deleteRun?(runId: string): Promise<number>;
  compact?(): Promise<void>;
}

export interface RetentionDeps {
  readonly db: Database;
  readonly store: TypeOrmRunStore;
  readonly logs: PrunableLogStore;
  readonly config: RetentionConfig & {
    /** Age of trigger delivery records; default {@link DEFAULT_DELIVERY_AGE_MS}. */
    readonly deliveriesMs?: number;
    /** Newest delivery records kept; default {@link DEFAULT_MAX_DELIVERIES}. */
    readonly maxDeliveries?: number;
  };
  readonly log: ServerLogger;
  /**
   * Called with the ids of the runs each batch pruned (their kept workspaces go too) and once per
   * pass with none (workspaces past their own age); resolves with how many workspaces it removed.
   */
  readonly onRunsPruned?: (runIds: readonly string[], now: number) => Promise<number>;
}

export interface RetentionResult {
  readonly runs: number;
  readonly logLines: number;
  readonly deliveries: number;
  /** Kept workspaces removed (of pruned runs, or older than `retention.workspaces`). */
  readonly workspaces: number;
}

export class RetentionJob {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<RetentionResult> | undefined;

  constructor(private readonly deps: RetentionDeps) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      void this.runOnce().catch((error: unknown) => this.deps.log.error('retention failed', error));
    }, this.deps.config.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass (never two at once); `now` for tests. */
  runOnce(now = Date.now()): Promise<RetentionResult> {
    this.running ??= this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: number): Promise<RetentionResult> {
    let runs = 0;
    let logLines = 0;
    let deliveries = 0;
    let workspaces = 0;
    const maxAge = this.deps.config.runsMs;
    if (maxAge !== undefined) {
      const before = now - maxAge;
      for (;;) {
        const ids = await this.deps.store.finishedRunsBefore(before);
        if (ids.length === 0) break;
        if (this.deps.logs.deleteRun !== undefined) {
          for (const id of ids) logLines += await this.deps.logs.deleteRun(id);
        }
        // Job attempts go before their runs, as log lines do: a crash in between orphans none.
        await this.deps.db.manager
          .createQueryBuilder()
          .delete()
          .from(JobAttemptEntity)
          .where('run_id IN (:...ids)', { ids })
          .execute();
        await this.deps.store.deleteRuns(ids);
        runs += ids.length;
        if (this.deps.onRunsPruned !== undefined)
          workspaces += await this.deps.onRunsPruned(ids, now);
      }
      if (this.deps.logs.deleteRun === undefined) logLines += await this.deps.logs.prune(before);
    }
    deliveries = await this.pruneDeliveries(now);
    if (this.deps.onRunsPruned !== undefined) workspaces += await this.deps.onRunsPruned([], now);
    // Every pass, not only after deleting: one pass gives back at most 64 MiB, the next the rest.
    await this.deps.db.serialised(() => vacuumSqlite(this.deps.db.dataSource));
    await this.deps.logs.compact?.();
    if (runs > 0 || workspaces > 0 || deliveries > 0)
      this.deps.log.info(
        `retention: deleted ${runs} run(s), ${logLines} log line(s), ${deliveries} delivery ` +
          `record(s), ${workspaces} kept workspace(s)`,
      );
    return { runs, logLines, deliveries, workspaces };
  }

  /** Deliveries past their age, then the oldest beyond the cap; returns how many went. */
  private async pruneDeliveries(now: number): Promise<number> {
    const { runsMs, deliveriesMs = DEFAULT_DELIVERY_AGE_MS } = this.deps.config;
    const maxAge = runsMs === undefined ? deliveriesMs : Math.min(runsMs, deliveriesMs);
    const manager = this.deps.db.manager;
    const aged = await manager
      .createQueryBuilder()
      .delete()
      .from(TriggerDeliveryEntity)
      .where('received_at < :before', { before: now - maxAge })
      .execute();
    let deleted = aged.affected ?? 0;
    const cap = this.deps.config.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    // The newest `cap` rows stay: everything older than the cap-th newest goes.
    const boundary = await manager
      .createQueryBuilder(TriggerDeliveryEntity, 'd')
      .select('d.receivedAt', 'receivedAt')
      .orderBy('d.receivedAt', 'DESC')
      .offset(cap - 1)
      .limit(1)
      .getRawOne<{ receivedAt: string | number }>();
    if (boundary !== undefined) {
      const capped = await manager
        .createQueryBuilder()
        .delete()
        .from(TriggerDeliveryEntity)
        .where('received_at < :oldest', { oldest: Number(boundary.receivedAt) })
        .execute();
      deleted += capped.affected ?? 0;
    }
    return deleted;
  }
}
