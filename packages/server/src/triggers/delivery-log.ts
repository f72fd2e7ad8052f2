/**
 * `trigger_deliveries`: one row per request to `/hooks/<plugin>/...` — when it came, for which
 * plugin and workflow, the payload's size and SHA-256, the request itself sealed with the
 * server's secret key (delivery-request.ts; credential headers dropped), the outcome and the run
 * it started or the error; for a redelivery, the delivery it repeated and who asked. Retention
 * prunes rows with the runs (the sealed request goes with its row).
 *
 * A handler does not return the run it started: `fire` runs somewhere inside it. The delivery
 * scope (AsyncLocalStorage) lets `fire` note the run id and workflow on the delivery being
 * handled.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '../db/database.js';
import type { TriggerHttpRequest } from '@containerops/sdk';
import { TriggerDeliveryEntity } from '../db/entities.js';
import type { TriggerDeliveryRow } from '../db/entities.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { newId } from '../services/ids.js';
import { openRequest, sealRequest } from './delivery-request.js';

/** What became of a delivery (`duplicate`: a copy of one seen within the replay window). */
export type DeliveryStatus =
  'accepted' | 'ignored' | 'rejected' | 'failed' | 'not-found' | 'duplicate';

/** What the handling of one delivery noted: the runs it started, whether it was a copy. */
interface DeliveryScope {
  readonly runIds: string[];
  duplicate: boolean;
  duplicateRunId?: string;
  deliveryId?: string;
  workflow?: string;
}

const scope = new AsyncLocalStorage<DeliveryScope>();

/** What {@link withinDelivery} learnt while a delivery was handled. */
export interface DeliveryNotes {
  readonly runIds: readonly string[];
  /** The delivery repeated one seen within the replay window (nothing was started). */
  readonly duplicate: boolean;
  /** For a copy: the run the first copy started, when known. */
  readonly duplicateRunId?: string;
  /** The sender's delivery id, when it sent one. */
  readonly deliveryId?: string;
  /** The (first) workflow it was for. */
  readonly workflow?: string;
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

/** Notes the workflow the delivery being handled is for; the first one noted stays. */
export function noteDeliveryWorkflow(uri: string): void {
  const current = scope.getStore();
  if (current !== undefined) current.workflow ??= uri;
}

/**
 * Notes that the delivery being handled is a copy of an earlier one, and the run that one started
 * when known (no-op outside a delivery).
 */
export function noteDeliveryDuplicate(runId?: string): void {
  const current = scope.getStore();
  if (current === undefined) return;
  current.duplicate = true;
  if (runId !== undefined) current.duplicateRunId ??= runId;
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

/** One delivery to record (see {@link DeliveryLog.record}). */
export interface NewDelivery {
  readonly plugin: string;
  readonly receivedAt: number;
  readonly payloadSha256: string;
  readonly payloadSize: number;
  readonly status: DeliveryStatus;
  readonly runIds?: readonly string[];
  /** For a `duplicate`: the run the first copy started (stored as the row's run). */
  readonly duplicateRunId?: string;
  readonly error?: string;
  readonly deliveryId?: string;
  readonly workflow?: string;
  /** The request, kept sealed when the log has a cipher; omitted: not kept (e.g. too large). */
  readonly request?: TriggerHttpRequest;
  readonly redeliveryOf?: string;
  readonly redeliveredBy?: string;
}

/** A page of deliveries, newest first; `endCursor` continues it. */
export interface DeliveryPage {
  readonly rows: TriggerDeliveryRow[];
  readonly hasNextPage: boolean;
  readonly endCursor?: string;
}

/** What a page of deliveries is restricted to. */
export interface DeliveryQuery {
  readonly first: number;
  readonly after?: { readonly receivedAt: number; readonly id: string };
  readonly trigger?: string;
  readonly workflow?: string;
  /** Only deliveries of workflows of these organisations; undefined: every delivery. */
  readonly organizations?: readonly string[];
}

export class DeliveryLog {
  /** `cipher`: seals each delivery's request; without it no request is kept. */
  constructor(
    private readonly db: Database,
    private readonly cipher?: SecretCipher,
  ) {}

  /** Inserts the delivery's row (its sealed request with it) in one transaction; its id. */
  async record(delivery: NewDelivery): Promise<string> {
    const id = newId();
    const sealed =
      delivery.request === undefined || this.cipher === undefined
        ? undefined
        : sealRequest(this.cipher, id, delivery.request);
    const row: TriggerDeliveryRow = {
      id,
      // The column holds 64 characters; a longer (unknown) name is cut, not refused.
      triggerType: delivery.plugin.slice(0, 64),
      receivedAt: delivery.receivedAt,
      payloadHash: delivery.payloadSha256,
      payloadSize: delivery.payloadSize,
      status: delivery.status,
      runId: delivery.runIds?.[0] ?? delivery.duplicateRunId ?? null,
      error: delivery.error?.slice(0, 2000) ?? null,
      deliveryId: delivery.deliveryId?.slice(0, 128) ?? null,
      workflow: delivery.workflow?.slice(0, 255) ?? null,
      redeliveryOf: delivery.redeliveryOf ?? null,
      redeliveredBy: delivery.redeliveredBy?.slice(0, 200) ?? null,
      requestCiphertext: sealed?.ciphertext ?? null,
      requestIv: sealed?.iv ?? null,
      requestTag: sealed?.tag ?? null,
    };
    await this.db.transaction((m) => m.insert(TriggerDeliveryEntity, row));
    return id;
  }

  /** The newest deliveries first (the API, tests), optionally of one trigger plugin. */
  async recent(limit = 100, trigger?: string): Promise<TriggerDeliveryRow[]> {
    return (await this.page({ first: limit, ...(trigger === undefined ? {} : { trigger }) })).rows;
  }

  /** One page, newest first (ties by id), after the cursor's row. */
  async page(query: DeliveryQuery): Promise<DeliveryPage> {
    if (query.organizations?.length === 0) return { rows: [], hasNextPage: false };
    const qb = this.db.manager.createQueryBuilder(TriggerDeliveryEntity, 'd').where('1 = 1');
    if (query.trigger !== undefined) qb.andWhere('d.trigger_type = :trigger', query);
    if (query.workflow !== undefined) qb.andWhere('d.workflow = :workflow', query);
    if (query.organizations !== undefined) {
      // A prefix compare, not LIKE: `_` is a LIKE wildcard and may be in a name.
      const clauses = query.organizations.map(
        (_, i) => `SUBSTR(d.workflow, 1, :len${i}) = :org${i}`,
      );
      const params: Record<string, unknown> = {};
      query.organizations.forEach((org, i) => {
        params[`len${i}`] = org.length + 1;
        params[`org${i}`] = `${org}/`;
      });
      qb.andWhere(`(${clauses.join(' OR ')})`, params);
    }
    if (query.after !== undefined) {
      qb.andWhere('(d.received_at < :at OR (d.received_at = :at AND d.id < :id))', {
        at: query.after.receivedAt,
        id: query.after.id,
      });
    }
    const rows = await qb
      .orderBy('d.received_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(query.first + 1)
      .getMany();
    const hasNextPage = rows.length > query.first;
    if (hasNextPage) rows.length = query.first;
    const last = rows.at(-1);
    return {
      rows,
      hasNextPage,
      ...(last === undefined ? {} : { endCursor: encodeDeliveryCursor(last) }),
    };
  }

  /** One delivery's row (without its sealed request), or undefined. */
  async get(id: string): Promise<TriggerDeliveryRow | undefined> {
    return (await this.db.manager.findOneBy(TriggerDeliveryEntity, { id })) ?? undefined;
  }

  /**
   * The delivery's stored request, opened; undefined when none was kept (an older row, a body
   * over the limit, a log without a cipher).
   * @throws when the server's key is not the one it was sealed with.
   */
  async request(id: string): Promise<TriggerHttpRequest | undefined> {
    if (this.cipher === undefined) return undefined;
    const row = await this.db.manager.findOne(TriggerDeliveryEntity, {
      where: { id },
      select: { id: true, requestCiphertext: true, requestIv: true, requestTag: true },
    });
    if (row?.requestCiphertext == null || row.requestIv == null || row.requestTag == null)
      return undefined;
    return openRequest(this.cipher, id, {
      ciphertext: row.requestCiphertext,
      iv: row.requestIv,
      tag: row.requestTag,
    });
  }
}

/** base64url of `[receivedAt, id]` of the last row of a page. */
export function encodeDeliveryCursor(row: { receivedAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([row.receivedAt, row.id]), 'utf8').toString('base64url');
}

/** The cursor's position; undefined when it is not one of ours. */
export function decodeDeliveryCursor(text: string): { receivedAt: number; id: string } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string')
      return { receivedAt: value[0], id: value[1] };
  } catch {
    // not JSON: reported by the caller
  }
  return undefined;
}
