/**
 * `run_notifications`: what became of each notification of a run — one row per receiver type and
 * run status change once its delivery settled: `delivered`, or `failed` with the last error after
 * the retries. Shown with the run in the API; pruned with the run.
 */
import { EntitySchema } from 'typeorm';
import { idColumn, msColumn, nameColumn } from '../db/columns.js';

export type NotificationOutcome = 'delivered' | 'failed';

export interface RunNotificationRow {
  id: string;
  runId: string;
  /** The receiver type (the notifier plugin's name: `mail`, `slack`...). */
  receiverType: string;
  /** The run status the notification told (`running`, `succeeded`, `failed`...). */
  runStatus: string;
  outcome: NotificationOutcome;
  attempts: number;
  error: string | null;
  /** When the delivery settled (ms since the epoch). */
  at: number;
}

export const RunNotificationEntity = new EntitySchema<RunNotificationRow>({
  name: 'RunNotification',
  tableName: 'run_notifications',
  columns: {
    id: idColumn(),
    runId: idColumn('run_id', false),
    receiverType: nameColumn('receiver_type', 64),
    runStatus: nameColumn('run_status', 32),
    outcome: nameColumn('outcome', 16),
    attempts: { name: 'attempts', type: 'int' },
    error: { ...nameColumn('error', 2000), nullable: true },
    at: msColumn('at'),
  },
  indices: [{ name: 'ix_run_notifications_run', columns: ['runId'] }],
});
