/**
 * Webhook deliveries through the API: listing (per plugin, per workflow, paged), the stored
 * request for site administrators, and "redeliver". The rules are in deliveries.contract.ts.
 */
import { UserError } from '@containerops/core';
import type { TriggerDeliveryRow } from '../db/entities.js';
import type { HookRoutes } from '../http/hook-routes.js';
import { hasRole, viewableOrganizations } from '../services/authz.js';
import type { Principal } from '../services/contracts.js';
import { badInput, forbidden, notFound } from '../services/errors.js';
import type { DeliveryListPage, DeliveryService, RedeliveryResult } from './deliveries.contract.js';
import { decodeDeliveryCursor } from './delivery-log.js';
import type { DeliveryLog } from './delivery-log.js';
import { viewOfRequest } from './delivery-request.js';
import type { DeliveryRequestView } from './delivery-request.js';

/** Stable code: the delivery kept no request to send again. */
export const DELIVERY_NOT_REDELIVERABLE = 'DELIVERY_NOT_REDELIVERABLE';

export interface DeliveryServiceDeps {
  readonly log: DeliveryLog;
  /** The webhook routes redeliveries go through; without them, redeliver refuses. */
  readonly routes?: Pick<HookRoutes, 'redeliver'>;
  /** Told of every redelivery (the server log: the audit trail besides the row itself). */
  readonly audit?: (line: string) => void;
}

export class TypeOrmDeliveryService implements DeliveryService {
  constructor(private readonly deps: DeliveryServiceDeps) {}

  async recent(
    p: Principal,
    options: { limit: number; trigger?: string },
  ): Promise<TriggerDeliveryRow[]> {
    requireSiteAdmin(p, 'read every webhook delivery');
    return this.deps.log.recent(options.limit, options.trigger);
  }

  async list(
    p: Principal,
    query: { first: number; after?: string; trigger?: string; workflow?: string },
  ): Promise<DeliveryListPage> {
    let after: { receivedAt: number; id: string } | undefined;
    if (query.after !== undefined) {
      after = decodeDeliveryCursor(query.after);
      if (after === undefined)
        throw badInput('the cursor is not valid: pass the endCursor of the previous page');
    }
    const organizations = viewableOrganizations(p);
    const page = await this.deps.log.page({
      first: query.first,
      ...(after === undefined ? {} : { after }),
      ...(query.trigger === undefined ? {} : { trigger: query.trigger }),
      ...(query.workflow === undefined ? {} : { workflow: query.workflow }),
      ...(organizations === undefined ? {} : { organizations }),
    });
    return {
      deliveries: page.rows,
      hasNextPage: page.hasNextPage,
      ...(page.endCursor === undefined ? {} : { endCursor: page.endCursor }),
    };
  }

  async get(p: Principal, id: string): Promise<TriggerDeliveryRow | undefined> {
    const row = await this.deps.log.get(id);
    return row !== undefined && canSee(p, row) ? row : undefined;
  }

  async request(p: Principal, id: string): Promise<DeliveryRequestView | undefined> {
    requireSiteAdmin(p, "read a webhook delivery's payload");
    await this.existing(p, id);
    const request = await this.deps.log.request(id);
    return request === undefined ? undefined : viewOfRequest(request);
  }

  async redeliver(p: Principal, id: string): Promise<RedeliveryResult> {
    requireSiteAdmin(p, 'redeliver webhook deliveries');
    const original = await this.existing(p, id);
    const request = await this.deps.log.request(id);
    if (request === undefined) {
      throw new UserError(
        DELIVERY_NOT_REDELIVERABLE,
        `delivery ${id} kept no request to send again (its body was over the limit, or it ` +
          'was received before deliveries kept their requests); ask the sender to redeliver it',
      );
    }
    const routes = this.deps.routes;
    if (routes === undefined)
      throw new UserError(DELIVERY_NOT_REDELIVERABLE, 'this server does not serve webhooks');
    const outcome = await routes.redeliver(original.triggerType, request, {
      redeliveryOf: id,
      redeliveredBy: p.userName,
    });
    const created =
      outcome.deliveryRowId === undefined
        ? undefined
        : await this.deps.log.get(outcome.deliveryRowId);
    this.deps.audit?.(
      `delivery ${id} (${original.triggerType}) redelivered by ${p.userName}: ` +
        `${outcome.status}${outcome.runIds.length > 0 ? `, run ${outcome.runIds.join(', ')}` : ''}` +
        (created === undefined ? ' (the new delivery could not be recorded)' : ` as ${created.id}`),
    );
    if (created === undefined)
      throw new Error(
        `delivery ${id} was redelivered (${outcome.status}) but could not be recorded`,
      );
    return { delivery: created };
  }

  private async existing(p: Principal, id: string): Promise<TriggerDeliveryRow> {
    const row = await this.get(p, id);
    if (row === undefined) throw notFound(`no webhook delivery ${id}`);
    return row;
  }
}

function requireSiteAdmin(p: Principal, what: string): void {
  if (!p.siteAdmin) throw forbidden(`only site administrators can ${what}`);
}

/** Site admins see every delivery; others those of workflows of organisations they view. */
function canSee(p: Principal, row: TriggerDeliveryRow): boolean {
  if (p.siteAdmin) return true;
  if (row.workflow === null) return false;
  const organization = row.workflow.split('/')[0] ?? '';
  return hasRole(p, organization, 'viewer');
}
