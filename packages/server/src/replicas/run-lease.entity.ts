/** A replica's claim on a run (migration 0008-run-leases.ts; see run-leases.ts). */
import { EntitySchema } from 'typeorm';
import { idColumn, msColumn, nameColumn } from '../db/columns.js';

export interface RunLeaseRow {
  runId: string;
  organization: string;
  /** The replica id of the server that drives the run. */
  owner: string;
  /** Until when the claim holds without a heartbeat (ms since the epoch). */
  expiresAt: number;
}

export const RunLeaseEntity = new EntitySchema<RunLeaseRow>({
  name: 'RunLease',
  tableName: 'run_leases',
  columns: {
    runId: idColumn('run_id'),
    organization: nameColumn('organization', 100),
    owner: nameColumn('owner', 100),
    expiresAt: msColumn('expires_at'),
  },
});
