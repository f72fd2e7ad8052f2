/**
 * At most one run per webhook delivery within the replay window. A delivery is known by keys: a
 * digest of its signature (an exact copy repeats it) and, when the sender names the delivery, a
 * digest of that id scoped to the endpoint (a re-send signed anew keeps it). The first copy claims
 * its keys in `trigger_replay_keys`; a copy whose key is already claimed is a duplicate, answered
 * without a new run. The table's primary key decides between copies that arrive at once.
 *
 * A claim is released when its delivery started nothing (the start failed): the sender's retry
 * must then be able to run. Keys older than the window are deleted as new deliveries come.
 */
import { createHash } from 'node:crypto';
import { In, LessThan } from 'typeorm';
import type { Database } from '../db/database.js';
import { ReplayKeyEntity } from './replay-key.entity.js';

/** The keys of one delivery (SHA-256 hex digests). */
export type ReplayKeys = readonly string[];

export type ClaimResult =
  { readonly claimed: true } | { readonly claimed: false; readonly runId: string | undefined };

/** The keys of a delivery to `endpoint` (e.g. `generic/acme/app/deploy`). */
export function replayKeysOf(
  endpoint: string,
  proof: { signature?: string; deliveryId?: string },
): ReplayKeys {
  const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
  const keys: string[] = [];
  if (proof.signature !== undefined) keys.push(digest(`signature\n${proof.signature}`));
  if (proof.deliveryId !== undefined)
    keys.push(digest(`delivery\n${endpoint}\n${proof.deliveryId}`));
  return keys;
}

export class ReplayGuard {
  constructor(
    private readonly db: Database,
    /** How long a key is remembered; at least the signature's timestamp window. */
    readonly windowMs: number,
  ) {}

  /** Claims `keys` for a delivery received at `now`; tells a duplicate (with its first run). */
  async claim(keys: ReplayKeys, now: number): Promise<ClaimResult> {
    if (keys.length === 0) return { claimed: true };
    await this.db.transaction((m) =>
      m.delete(ReplayKeyEntity, { receivedAt: LessThan(now - this.windowMs) }),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        // The insert itself decides: a key already there fails it, whoever holds it.
        await this.db.transaction((m) =>
          m.insert(
            ReplayKeyEntity,
            keys.map((key) => ({ key, receivedAt: now, runId: null })),
          ),
        );
        return { claimed: true };
      } catch (error) {
        if (isDuplicateKey(error)) {
          const seen = await this.db.manager.findBy(ReplayKeyEntity, { key: In([...keys]) });
          return { claimed: false, runId: firstRun(seen) };
        }
        // MySQL and PostgreSQL may pick a concurrent insert of the same keys as a deadlock
        // victim: its transaction was rolled back, so trying again is safe.
        if (!isDeadlock(error) || attempt >= 5) throw error;
      }
    }
  }

  /** Notes the run the claiming delivery started (told to its duplicates). */
  async started(keys: ReplayKeys, runId: string): Promise<void> {
    if (keys.length === 0) return;
    await this.db.transaction((m) => m.update(ReplayKeyEntity, { key: In([...keys]) }, { runId }));
  }

  /** Gives the keys back: the claiming delivery started nothing, so a retry may run. */
  async release(keys: ReplayKeys): Promise<void> {
    if (keys.length === 0) return;
    await this.db.transaction((m) => m.delete(ReplayKeyEntity, { key: In([...keys]) }));
  }
}

function firstRun(rows: readonly { runId: string | null }[]): string | undefined {
  return rows.find((r) => r.runId !== null)?.runId ?? undefined;
}

function driverCode(error: unknown): string {
  const driver = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  return String(driver?.code ?? (error as { code?: unknown } | null)?.code ?? '');
}

export function isDeadlock(error: unknown): boolean {
  const code = driverCode(error);
  return code === 'ER_LOCK_DEADLOCK' || code === '40P01' || code === '40001';
}

/** A unique/primary key violation, as SQLite, PostgreSQL and MySQL report it (also trigger-claims.ts). */
export function isDuplicateKey(error: unknown): boolean {
  const code = driverCode(error);
  return (
    code === '23505' || code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}
