/**
 * Reading `trigger_deliveries` through the API: every request to `/hooks/...`, what it was and
 * what it did. Site administrators only: a delivery is not tied to one organisation until it
 * started a run, and its error text may name workflows.
 */
import type { Database } from '../db/database.js';
import type { TriggerDeliveryRow } from '../db/entities.js';
import type { DeliveryService, Principal } from '../services/contracts.js';
import { forbidden } from '../services/errors.js';
import { DeliveryLog } from './delivery-log.js';

export class TypeOrmDeliveryService implements DeliveryService {
  private readonly log: DeliveryLog;

  constructor(db: Database) {
    this.log = new DeliveryLog(db);
  }

  /** Site admin. The newest deliveries first, optionally of one trigger plugin. */
  async recent(
    p: Principal,
    options: { limit: number; trigger?: string },
  ): Promise<TriggerDeliveryRow[]> {
    if (!p.siteAdmin) throw forbidden('only site administrators can read webhook deliveries');
    return this.log.recent(options.limit, options.trigger);
  }
}
