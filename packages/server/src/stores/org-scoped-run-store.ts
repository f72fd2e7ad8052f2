/**
 * A view of the shared run store for the engine of one organisation: everything passes through,
 * except that `listUnfinishedRuns` lists only that organisation's runs, so each engine's
 * `recover()` resumes its own runs and nothing is resumed twice.
 */
import type {
  EngineEvent,
  EventQuery,
  NewEngineEvent,
  RunRequest,
  RunSnapshot,
  RunStore,
} from '@containerops/core';
import { organizationOf } from './run-rows.js';

export class OrgScopedRunStore implements RunStore {
  constructor(
    private readonly inner: RunStore,
    readonly organization: string,
  ) {}

  appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    return this.inner.appendEvents(events);
  }
  readEvents(query: EventQuery): Promise<readonly EngineEvent[]> {
    return this.inner.readEvents(query);
  }
  saveRun(snapshot: RunSnapshot): Promise<void> {
    return this.inner.saveRun(snapshot);
  }
  getRun(runId: string): Promise<RunSnapshot | undefined> {
    return this.inner.getRun(runId);
  }
  saveRunRequest(request: RunRequest): Promise<void> {
    return this.inner.saveRunRequest(request);
  }
  getRunRequest(runId: string): Promise<RunRequest | undefined> {
    return this.inner.getRunRequest(runId);
  }
  async listUnfinishedRuns(): Promise<RunSnapshot[]> {
    const all = await this.inner.listUnfinishedRuns();
    return all.filter((run) => organizationOf(run.workflow) === this.organization);
  }
}
