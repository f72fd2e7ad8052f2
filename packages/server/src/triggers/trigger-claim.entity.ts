/**
 * `trigger_claims`: the events trigger plugins started a run for with `fire(..., { once })` (a
 * GitHub delivery id, a cron tick), by key. Unlike `trigger_replay_keys` (the generic webhook's
 * short replay window) claims are kept long: GitHub lets an administrator redeliver a webhook days
 * later, and that must still start nothing. The primary key decides between replicas and between
 * copies that arrive at once: the second insert of a key fails.
 */
import { EntitySchema } from 'typeorm';
import { idColumn, msColumn, nameColumn } from '../db/columns.js';

export interface TriggerClaimRow {
  /** SHA-256 hex of `<plugin>\n<workflow>\n<once key>`. */
  key: string;
  plugin: string;
  workflow: string;
  /** The plugin's key as given (cut to 200 characters), for operators reading the table. */
  once: string;
  claimedAt: number;
  /** The run the claim started; null until it started. */
  runId: string | null;
}

export const TriggerClaimEntity = new EntitySchema<TriggerClaimRow>({
  name: 'TriggerClaim',
  tableName: 'trigger_claims',
  columns: {
    key: idColumn('claim_key'),
    plugin: nameColumn('plugin', 64),
    workflow: nameColumn('workflow', 255),
    once: nameColumn('once_key', 200),
    claimedAt: msColumn('claimed_at'),
    runId: { ...idColumn('run_id', false), nullable: true },
  },
});
