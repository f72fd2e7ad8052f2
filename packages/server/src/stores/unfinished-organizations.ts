/** Organisations with runs the store lists as unfinished (each one's engine recovers them). */
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';

export async function unfinishedOrganizations(db: Database): Promise<string[]> {
  const rows = await db.manager
    .createQueryBuilder(RunEntity, 'r')
    .select('DISTINCT r.organization', 'organization')
    .where('r.status IN (:...open)', { open: ['queued', 'running', 'waiting'] })
    .getRawMany<{ organization: string }>();
  return rows.map((r) => r.organization).sort();
}
