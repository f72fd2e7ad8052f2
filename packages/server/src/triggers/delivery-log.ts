/**
 * `trigger_deliveries`: one row per request to `/hooks/<plugin>/...` — when it came, for which
 * plugin, the payload's size and SHA-256 (never the payload: it may hold secrets), the outcome
 * and the run it started or the error. Retention prunes rows with the runs.
 *
 * A handler does not return the run it started: `fire` runs somewhere inside it. The delivery
 * scope (AsyncLocalStorage) lets `fire` note the run id on the delivery being handled.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '../db/database.js';
import { TriggerDeliveryEntity } from '../db/entities.js';
import type { TriggerDeliveryRow } from '../db/entities.js';
import { newId } from '../services/ids.js';

/** What became of a delivery (`duplicate`: a copy of one seen within the replay window). */
export type DeliveryStatus =
  'accepted' | 'ignored' | 'rejected' | 'failed' | 'not-found' | 'duplicate';

/** What the handling of one delivery noted: the runs it started, whether it was a copy. */
interface DeliveryScope {
  readonly runIds: string[];
  duplicate: boolean;
  deliveryId?: string;
}

const scope = new AsyncLocalStorage<DeliveryScope>();

/** What {@link withinDelivery} learnt while a delivery was handled. */
export interface DeliveryNotes {
  readonly runIds: readonly string[];
  /** The delivery repeated one seen within the replay window (nothing was started). */
  readonly duplicate: boolean;
  /** The sender's delivery id, when it sent one. */
  readonly deliveryId?: string;
}

/** Runs `handle` as the handling of one delivery; resolves with its result and its notes. */
export async function withinDelivery<T>(
  handle: () => Promise<T>,
): Promise<{ result: T } & DeliveryNotes> {
  const current: DeliveryScope = { runIds: [], duplicate: false };
  const result = await scope.run(current, handle);
  return { result, ...current };
}

/** Notes a run started by the delivery being handled (no-op outside one: cron, timers). */
export function noteDeliveryRun(runId: string): void {
  scope.getStore()?.runIds.push(runId);
}

/** Notes that the delivery being handled is a copy of an earlier one (no-op outside one). */
export function noteDeliveryDuplicate(): void {
  const current = scope.getStore();
  if (current !== undefined) current.duplicate = true;
}

/** Notes the sender's id of the delivery being handled (no-op outside one). */
export function noteDeliveryId(deliveryId: string): void {
  const current = scope.getStore();
  if (current !== undefined) current.deliveryId = deliveryId;
}

/**
 * The outcome of an HTTP answer: 2xx with a run accepted, without one ignored (or `duplicate`
 * when noted so), 4xx rejected.
 */
export function deliveryStatusOf(
  httpStatus: number,
  runs: number,
  duplicate = false,
): DeliveryStatus {
  if (httpStatus === 404) return 'not-found';
  if (httpStatus >= 500) return 'failed';
  if (httpStatus >= 400) return 'rejected';
  if (duplicate) return 'duplicate';
  return runs > 0 ? 'accepted' : 'ignored';
}

export class DeliveryLog {
  constructor(private readonly db: Database) {}

  async record(delivery: {
    plugin: string;
    receivedAt: number;
    payloadSha256: string;
    payloadSize: number;
    status: DeliveryStatus;
    runIds?: readonly string[];
    error?: string;
    deliveryId?: string;
  }): Promise<string> {
    const row: TriggerDeliveryRow = {
      id: newId(),
      // The column holds 64 characters; a longer (unknown) name is cut, not refused.
      triggerType: delivery.plugin.slice(0, 64),
      receivedAt: delivery.receivedAt,
      payloadHash: delivery.payloadSha256,
      payloadSize: delivery.payloadSize,
      status: delivery.status,
      runId: delivery.runIds?.[0] ?? null,
      error: delivery.error?.slice(0, 2000) ?? null,
      deliveryId: delivery.deliveryId?.slice(0, 128) ?? null,
    };
    await this.db.transaction((m) => m.insert(TriggerDeliveryEntity, row));
    return row.id;
  }

  /** The newest deliveries first (the API, tests), optionally of one trigger plugin. */
  recent(limit = 100, trigger?: string): Promise<TriggerDeliveryRow[]> {
    return this.db.manager.find(TriggerDeliveryEntity, {
      ...(trigger === undefined ? {} : { where: { triggerType: trigger } }),
      order: { receivedAt: 'DESC' },
      take: limit,
    });
  }
}
