/** Reading `run_notifications` through the API: whoever may see a run sees its notifications. */
import type { Database } from '../db/database.js';
import type { NotificationService, Principal, RunService } from '../services/contracts.js';
import type { RunNotificationRow } from './notification.entity.js';
import { NotificationLog } from './notification-log.js';

export class TypeOrmNotificationService implements NotificationService {
  private readonly log: NotificationLog;

  constructor(
    db: Database,
    private readonly runs: Pick<RunService, 'get'>,
  ) {
    this.log = new NotificationLog(db);
  }

  /** Viewer of the run. Oldest first; empty for a run the caller cannot see or that does not exist. */
  async ofRun(p: Principal, runId: string): Promise<RunNotificationRow[]> {
    const run = await this.runs.get(p, runId).catch(() => undefined);
    return run === undefined ? [] : this.log.ofRun(runId);
  }
}
