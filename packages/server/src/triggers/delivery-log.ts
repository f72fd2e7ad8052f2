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

/** What became of a delivery. */
export type DeliveryStatus = 'accepted' | 'ignored' | 'rejected' | 'failed' | 'not-found';

/** Runs started while one delivery was handled. */
interface DeliveryScope {
  readonly runIds: string[];
}

const scope = new AsyncLocalStorage<DeliveryScope>();

/** Runs `handle` as the handling of one delivery; resolves with its result and the runs it started. */
export async function withinDelivery<T>(
  handle: () => Promise<T>,
): Promise<{ result: T; runIds: readonly string[] }> {
  const current: DeliveryScope = { runIds: [] };
  const result = await scope.run(current, handle);
  return { result, runIds: current.runIds };
}

/** Notes a run started by the delivery being handled (no-op outside one: cron, timers). */
export function noteDeliveryRun(runId: string): void {
  scope.getStore()?.runIds.push(runId);
}

/** The outcome of an HTTP answer: 2xx with a run accepted, without one ignored, 4xx rejected. */
export function deliveryStatusOf(httpStatus: number, runs: number): DeliveryStatus {
  if (httpStatus === 404) return 'not-found';
  if (httpStatus >= 500) return 'failed';
  if (httpStatus >= 400) return 'rejected';
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
    };
    await this.db.transaction((m) => m.insert(TriggerDeliveryEntity, row));
    return row.id;
  }

  /** The newest deliveries first (tests, admin tools). */
  recent(limit = 100): Promise<TriggerDeliveryRow[]> {
    return this.db.manager.find(TriggerDeliveryEntity, {
      order: { receivedAt: 'DESC' },
      take: limit,
    });
  }
}
