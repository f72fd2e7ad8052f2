/**
 * Keeps run workspaces for a re-run from the failed job, and removes them when they are no longer
 * useful. The server starts every run with core's `keepWorkspace`, so the orchestrator's
 * `cleanup` at the end of a run keeps the workspace; this keeper then decides:
 *
 * - run succeeded → nothing to re-run: the workspace is removed at once (`cleanup` again with
 *   `keepWorkspace: false`, which the orchestrator contract makes idempotent);
 * - run failed or was cancelled → kept (`kept_since` = its end), for `retention.workspaces`;
 * - a re-run from the failed job shares the kept workspace (core's `workspaceRunId`): while it
 *   runs the workspace is in use (never removed); when it succeeds the workspace goes, when it
 *   fails again it is kept anew;
 * - retention pruning a run removes the workspace its run used last.
 *
 * One row per workspace in `kept_workspaces`, written when a run starts (so a crash between a
 * run's end and its bookkeeping leaves a row retention can still find) and when it ends. Calls
 * are serialised so a run's start and end are recorded in order.
 */
import { isTerminal, JobLabel } from '@containerops/core';
import type { Orchestrator, RunSnapshot } from '@containerops/core';
import { In, IsNull, LessThan } from 'typeorm';
import type { Database } from '../db/database.js';
import { KeptWorkspaceEntity, RunEntity } from '../db/entities.js';
import type { KeptWorkspaceRow } from '../db/entities.js';
import type { ServerLogger } from '../logger.js';

const UPSERT_SQLITE =
  'INSERT INTO "kept_workspaces" ("workspace_id", "workflow_uri", "last_run_id", "kept_since", "updated_at") ' +
  'VALUES (?, ?, ?, ?, ?) ON CONFLICT ("workspace_id") DO UPDATE SET "workflow_uri" = excluded."workflow_uri", ' +
  '"last_run_id" = excluded."last_run_id", "kept_since" = excluded."kept_since", "updated_at" = excluded."updated_at"';
const DELETE_SQLITE = 'DELETE FROM "kept_workspaces" WHERE "workspace_id" = ?';

export interface WorkspaceKeeperDeps {
  readonly db: Database;
  readonly orchestrator: Orchestrator;
  /** `retention.workspaces`: how long a failed run's workspace is kept. */
  readonly keepForMs: number;
  readonly log: ServerLogger;
}

/** What can be said about a workspace when a re-run from the failed job asks for it. */
export type WorkspaceState =
  | { readonly state: 'kept'; readonly since: number }
  | { readonly state: 'in-use'; readonly byRunId: string }
  | { readonly state: 'gone' };

export class WorkspaceKeeper {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: WorkspaceKeeperDeps) {}

  /** How long a failed run's workspace is kept. */
  get keepForMs(): number {
    return this.deps.keepForMs;
  }

  /** A run started on workspace `workspaceId` (its own id, or the kept one it re-runs on). */
  runStarted(run: { runId: string; workflow: string; workspaceId: string }): Promise<void> {
    return this.serialised(() =>
      this.save({
        workspaceId: run.workspaceId,
        workflowUri: run.workflow,
        lastRunId: run.runId,
        keptSince: null,
        updatedAt: Date.now(),
      }),
    );
  }

  /** A run ended (`snapshot` is terminal): keep its workspace or remove it. Never rejects. */
  runEnded(snapshot: RunSnapshot): Promise<void> {
    const workspaceId = snapshot.workspaceRunId ?? snapshot.runId;
    return this.serialised(async () => {
      if (snapshot.keepWorkspace !== true) {
        // Started without keepWorkspace (before this server kept them): the engine removed it.
        await this.forget(workspaceId);
      } else if (snapshot.status === 'succeeded') {
        await this.remove({
          workspaceId,
          workflowUri: snapshot.workflow,
          lastRunId: snapshot.runId,
        });
      } else {
        const now = Date.now();
        await this.save({
          workspaceId,
          workflowUri: snapshot.workflow,
          lastRunId: snapshot.runId,
          keptSince: snapshot.finishedAt ?? now,
          updatedAt: now,
        });
      }
    }).catch((error: unknown) =>
      this.deps.log.error(`could not keep or remove the workspace of run ${snapshot.runId}`, error),
    );
  }

  async state(workspaceId: string): Promise<WorkspaceState> {
    const row = await this.deps.db.manager.findOneBy(KeptWorkspaceEntity, { workspaceId });
    if (row === null) return { state: 'gone' };
    if (row.keptSince === null) return { state: 'in-use', byRunId: row.lastRunId };
    return { state: 'kept', since: row.keptSince };
  }

  /**
   * Removes the workspaces last used by `prunedRunIds`, those kept longer than `keepForMs`, and
   * those whose run ended without the keeper hearing of it (a crash) longer than `keepForMs` ago.
   * Resolves with how many it removed.
   */
  prune(prunedRunIds: readonly string[], now: number): Promise<number> {
    return this.serialised(async () => {
      const manager = this.deps.db.manager;
      const before = now - this.deps.keepForMs;
      const rows: KeptWorkspaceRow[] = [];
      if (prunedRunIds.length > 0)
        rows.push(...(await manager.findBy(KeptWorkspaceEntity, { lastRunId: In(prunedRunIds) })));
      rows.push(
        ...(await manager.findBy(KeptWorkspaceEntity, {
          keptSince: LessThan(before),
        })),
      );
      const stale = await manager.findBy(KeptWorkspaceEntity, {
        keptSince: IsNull(),
        updatedAt: LessThan(before),
      });
      for (const row of stale) {
        const run = await manager.findOne(RunEntity, {
          where: { id: row.lastRunId },
          select: { id: true, status: true },
        });
        if (run === null || isTerminal(run.status as RunSnapshot['status'])) rows.push(row);
      }
      const seen = new Set<string>();
      let removed = 0;
      for (const row of rows) {
        if (seen.has(row.workspaceId)) continue;
        seen.add(row.workspaceId);
        await this.remove(row);
        removed++;
      }
      return removed;
    });
  }

  /** Waits for every call made so far (tests, shutdown). */
  async settled(): Promise<void> {
    await this.tail.catch(() => undefined);
  }

  private async remove(
    row: Pick<KeptWorkspaceRow, 'workspaceId' | 'workflowUri' | 'lastRunId'>,
  ): Promise<void> {
    await this.deps.orchestrator.cleanup(
      {
        runId: row.lastRunId,
        workflow: row.workflowUri,
        labels: { [JobLabel.managed]: 'true', [JobLabel.runId]: row.lastRunId },
        workspaceRunId: row.workspaceId,
      },
      { keepWorkspace: false },
    );
    await this.forget(row.workspaceId);
  }

  // Every run writes its row twice (start, end). On SQLite each is one statement with fixed text
  // (prepared once, atomic on its own, serialised with the transactions on the one connection);
  // through TypeORM's builder and transaction wrapper it cost ~3x the CPU, for every run.

  private async forget(workspaceId: string): Promise<void> {
    const db = this.deps.db;
    if (db.sqlite) {
      await db.serialised(() => db.manager.query(DELETE_SQLITE, [workspaceId]));
      return;
    }
    await db.transaction((manager) => manager.delete(KeptWorkspaceEntity, { workspaceId }));
  }

  private async save(row: KeptWorkspaceRow): Promise<void> {
    const db = this.deps.db;
    if (db.sqlite) {
      const params = [
        row.workspaceId,
        row.workflowUri,
        row.lastRunId,
        row.keptSince,
        row.updatedAt,
      ];
      await db.serialised(() => db.manager.query(UPSERT_SQLITE, params));
      return;
    }
    await db.transaction((manager) => manager.upsert(KeptWorkspaceEntity, row, ['workspaceId']));
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
