/**
 * Retention: every `intervalMs`, deletes finished runs older than `runsMs` (with their events,
 * log lines and kept workspaces) and trigger deliveries of the same age, lets the workspace keeper
 * drop workspaces kept longer than their own age, then keeps the SQLite files from growing forever
 * (incremental vacuum + WAL checkpoint). Without `runsMs` only workspaces and maintenance run.
 *
 * Unfinished runs are never touched, however old: their log lines are deleted per pruned run
 * (`deleteRun`), not by line age, which would cut the beginning off a long-running job's log.
 * Only a log store without `deleteRun` falls back to pruning by line age.
 */
import type { LogStore } from '@containerops/sdk';
import type { RetentionConfig } from '../config/server-config.js';
import type { Database } from '../db/database.js';
import { TriggerDeliveryEntity } from '../db/entities.js';
import { vacuumSqlite } from '../db/sqlite-maintenance.js';
import type { ServerLogger } from '../logger.js';
import type { TypeOrmRunStore } from '../stores/typeorm-run-store.js';

/** Optional extras some log stores have (the SQLite one does). */
interface PrunableLogStore extends LogStore {
  deleteRun?(runId: string): Promise<number>;
  compact?(): Promise<void>;
}

export interface RetentionDeps {
  readonly db: Database;
  readonly store: TypeOrmRunStore;
  readonly logs: PrunableLogStore;
  readonly config: RetentionConfig;
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
        const ids = await this.deps.store.pruneFinishedRuns(before);
        if (ids.length === 0) break;
        runs += ids.length;
        if (this.deps.logs.deleteRun !== undefined) {
          for (const id of ids) logLines += await this.deps.logs.deleteRun(id);
        }
        if (this.deps.onRunsPruned !== undefined)
          workspaces += await this.deps.onRunsPruned(ids, now);
      }
      if (this.deps.logs.deleteRun === undefined) logLines += await this.deps.logs.prune(before);
      const result = await this.deps.db.manager
        .createQueryBuilder()
        .delete()
        .from(TriggerDeliveryEntity)
        .where('received_at < :before', { before })
        .execute();
      deliveries = result.affected ?? 0;
    }
    if (this.deps.onRunsPruned !== undefined) workspaces += await this.deps.onRunsPruned([], now);
    // Every pass, not only after deleting: one pass gives back at most 64 MiB, the next the rest.
    await this.deps.db.serialised(() => vacuumSqlite(this.deps.db.dataSource));
    await this.deps.logs.compact?.();
    if (runs > 0 || workspaces > 0)
      this.deps.log.info(
        `retention: deleted ${runs} run(s), ${logLines} log line(s), ${deliveries} delivery ` +
          `record(s), ${workspaces} kept workspace(s)`,
      );
    return { runs, logLines, deliveries, workspaces };
  }
}
