/** Writes and reads `run_notifications` (what became of each notification of a run). */
import type { Database } from '../db/database.js';
import { newId } from '../services/ids.js';
import { RunNotificationEntity } from './notification.entity.js';
import type { NotificationOutcome, RunNotificationRow } from './notification.entity.js';

export class NotificationLog {
  constructor(private readonly db: Database) {}

  async record(entry: {
    runId: string;
    receiverType: string;
    runStatus: string;
    outcome: NotificationOutcome;
    attempts: number;
    error?: string;
    at: number;
  }): Promise<void> {
    const row: RunNotificationRow = {
      id: newId(),
      runId: entry.runId,
      receiverType: entry.receiverType.slice(0, 64),
      runStatus: entry.runStatus,
      outcome: entry.outcome,
      attempts: entry.attempts,
      error: entry.error?.slice(0, 2000) ?? null,
      at: entry.at,
    };
    await this.db.transaction((m) => m.insert(RunNotificationEntity, row));
  }

  /** The notifications of one run, oldest first. */
  ofRun(runId: string): Promise<RunNotificationRow[]> {
    return this.db.manager.find(RunNotificationEntity, { where: { runId }, order: { at: 'ASC' } });
  }
}
