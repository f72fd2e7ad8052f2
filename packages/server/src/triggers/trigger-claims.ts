/**
 * The durable `once` claims behind `TriggerContext.fire(..., { once })` (SDK, kinds/trigger.ts):
 * at most one run per (plugin, workflow, key), across restarts and replicas sharing the database.
 * The insert of the claim row decides; a claim whose run could not start is released so a retry
 * may run. Claims older than the retention (default 30 days) are deleted now and then.
 */
import { createHash } from 'node:crypto';
import { LessThan } from 'typeorm';
import type { Database } from '../db/database.js';
import { isDeadlock, isDuplicateKey } from './replay-guard.js';
import { TriggerClaimEntity } from './trigger-claim.entity.js';

/** Claims are kept this long by default: far beyond any sender's redelivery window. */
export const DEFAULT_CLAIM_RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export type ClaimOutcome =
  | { readonly claimed: true; readonly key: string }
  | { readonly claimed: false; readonly runId?: string };

export class TriggerClaims {
  private lastPrune = 0;

  constructor(
    private readonly db: Database,
    private readonly retentionMs = DEFAULT_CLAIM_RETENTION_MS,
  ) {}

  async claim(
    plugin: string,
    workflow: string,
    once: string,
    now = Date.now(),
  ): Promise<ClaimOutcome> {
    const key = createHash('sha256').update(`${plugin}\n${workflow}\n${once}`).digest('hex');
    await this.pruneNowAndThen(now);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.transaction((m) =>
          m.insert(TriggerClaimEntity, {
            key,
            plugin: plugin.slice(0, 64),
            workflow: workflow.slice(0, 255),
            once: once.slice(0, 200),
            claimedAt: now,
            runId: null,
          }),
        );
        return { claimed: true, key };
      } catch (error) {
        if (isDuplicateKey(error)) {
          const row = await this.db.manager.findOneBy(TriggerClaimEntity, { key });
          return row?.runId == null ? { claimed: false } : { claimed: false, runId: row.runId };
        }
        // A concurrent insert of the same key may be picked as a deadlock victim (rolled back).
        if (!isDeadlock(error) || attempt >= 5) throw error;
      }
    }
  }

  /** Notes the run a claim started (told to later duplicates). */
  async started(key: string, runId: string): Promise<void> {
    await this.db.transaction((m) => m.update(TriggerClaimEntity, { key }, { runId }));
  }

  /** Gives a claim back: its run did not start. */
  async release(key: string): Promise<void> {
    await this.db.transaction((m) => m.delete(TriggerClaimEntity, { key }));
  }

  private async pruneNowAndThen(now: number): Promise<void> {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.db.transaction((m) =>
      m.delete(TriggerClaimEntity, { claimedAt: LessThan(now - this.retentionMs) }),
    );
  }
}
