/** A bare `runs` row for tests that need a run to exist in a given status (no snapshot). */
import type { Database } from '../db/database.js';
import { RunEntity } from '../db/entities.js';

/** Inserts run `id` of organisation `default` with `status`, created (and started) at `createdAt`. */
export async function insertRunRow(
  db: Database,
  id: string,
  status: string,
  createdAt = Date.now(),
): Promise<void> {
  await db.manager.insert(RunEntity, {
    id,
    workflowUri: 'default/tests/run',
    organization: 'default',
    status,
    triggerType: 'manual',
    triggeredBy: null,
    createdAt,
    startedAt: createdAt,
    finishedAt: null,
    snapshot: null,
    request: null,
  });
}
