/**
 * What triggering a run reads on every call: the workflow's row (by uri) and its latest
 * version, whose parsed model is the larger part of the cost (a JSON parse of the whole
 * definition). Versions never change once written, so they are kept until the cache is cleared
 * or full; workflow rows (which point at the latest version) are kept at most
 * {@link WORKFLOW_ROW_CACHE_MS}. Applying or removing a workflow through this process clears
 * both at once, and with `replicas: many` so does a change made by another replica
 * (replicas/cache-invalidation.ts, over Redis); the time bound is for a lost message or a server
 * sharing the database without the link.
 */
import type { WorkflowRow } from '../db/entities.js';
import type { WorkflowVersionRecord } from './contracts.js';
import { ExpiringMap } from './expiring-map.js';

/** How long a new version applied elsewhere (another replica) may take to be the one that runs. */
export const WORKFLOW_ROW_CACHE_MS = 1_000;
const MAX_ENTRIES = 1_000;

export class WorkflowCache {
  private readonly rows = new ExpiringMap<string, WorkflowRow>(MAX_ENTRIES);
  private readonly versions = new Map<string, WorkflowVersionRecord>();

  row(uri: string, now: number): WorkflowRow | undefined {
    return this.rows.get(uri, now);
  }

  setRow(row: WorkflowRow, now: number): void {
    this.rows.set(row.uri, row, now + WORKFLOW_ROW_CACHE_MS);
  }

  version(workflowId: string, number: number): WorkflowVersionRecord | undefined {
    return this.versions.get(`${workflowId}:${number}`);
  }

  setVersion(record: WorkflowVersionRecord): void {
    if (this.versions.size >= MAX_ENTRIES) this.versions.clear();
    this.versions.set(`${record.workflowId}:${record.number}`, record);
  }

  clear(): void {
    this.rows.clear();
    this.versions.clear();
  }
}
