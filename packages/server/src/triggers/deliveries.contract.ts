/**
 * The webhook deliveries' service contract (`trigger_deliveries` through the API and the
 * dashboard). Who may do what:
 *
 * - Metadata (plugin, time, status, run, reason, sizes): site administrators see every delivery;
 *   other users the deliveries of workflows of organisations they can view. A delivery for no
 *   known workflow (an unknown path, a refused signature before the workflow was known, a plugin
 *   event no workflow subscribed to) is site-admin only: it is anonymous input.
 * - The stored request (headers and body) and "redeliver": site administrators only; anyone else
 *   gets FORBIDDEN. The body may hold secrets of any organisation a plugin event fans out to.
 *
 * Errors are UserErrors with stable codes: FORBIDDEN, NOT_FOUND (also for a delivery the caller
 * may not see), BAD_USER_INPUT (a cursor that is not one), DELIVERY_NOT_REDELIVERABLE (no request
 * was kept: a body over the limit, or a row from before requests were kept).
 */
import type { TriggerDeliveryRow } from '../db/entities.js';
import type { Principal } from '../services/contracts.js';
import type { DeliveryRequestView } from './delivery-request.js';

/** A page of deliveries, newest first. */
export interface DeliveryListPage {
  readonly deliveries: readonly TriggerDeliveryRow[];
  readonly hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  readonly endCursor?: string;
}

/** What a redelivery did (its new row says the rest). */
export interface RedeliveryResult {
  /** The new delivery row (`redeliveryOf` = the original). */
  readonly delivery: TriggerDeliveryRow;
}

export interface DeliveryService {
  /** Site admin. The newest deliveries first, optionally of one trigger plugin. */
  recent(p: Principal, options: { limit: number; trigger?: string }): Promise<TriggerDeliveryRow[]>;
  /**
   * Anyone (see the file comment for what each caller sees). A page of deliveries, newest first,
   * optionally of one trigger plugin and/or one workflow.
   */
  list(
    p: Principal,
    query: { first: number; after?: string; trigger?: string; workflow?: string },
  ): Promise<DeliveryListPage>;
  /** One delivery the caller may see, or undefined. */
  get(p: Principal, id: string): Promise<TriggerDeliveryRow | undefined>;
  /**
   * Site admin. The stored request, decrypted (signature values withheld, credential headers were
   * never stored); undefined when none was kept.
   */
  request(p: Principal, id: string): Promise<DeliveryRequestView | undefined>;
  /**
   * Site admin. Feeds the stored request through its plugin's handler again as a new delivery
   * linked to this one; the plugin's checks run again, and an event whose run was started
   * already stays deduplicated (the new row is `duplicate`, naming that run). Audited: the new
   * row names who asked, and the server log says so.
   */
  redeliver(p: Principal, id: string): Promise<RedeliveryResult>;
}
