/**
 * `trigger_replay_keys`: the webhook deliveries seen within the replay window, by key (a digest of
 * the sender's delivery id, or of the request's signature). Its primary key is what makes "at
 * most one run per delivery" hold when copies of one delivery arrive at the same time: the second
 * insert of a key fails, whichever connection it comes from. Rows older than the window are
 * deleted as new deliveries come (see replay-guard.ts).
 */
import { EntitySchema } from 'typeorm';
import { idColumn, msColumn } from '../db/columns.js';

export interface ReplayKeyRow {
  /** SHA-256 hex of the scoped delivery id or of the signature. */
  key: string;
  /** When the first copy arrived (ms since the epoch). */
  receivedAt: number;
  /** The run the first copy started; null until it started (or when it started none). */
  runId: string | null;
}

export const ReplayKeyEntity = new EntitySchema<ReplayKeyRow>({
  name: 'TriggerReplayKey',
  tableName: 'trigger_replay_keys',
  columns: {
    key: idColumn('replay_key'),
    receivedAt: msColumn('received_at'),
    runId: { ...idColumn('run_id', false), nullable: true },
  },
});
