/**
 * Names and labels of the Swarm objects this plugin makes. Pure; the same inputs always give the
 * same names, which is what lets a restarted engine find its services again.
 */
import { JobLabel } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';

/** Where the run's workspace volume is mounted in every job (docs/design.md §3). */
export const WORKSPACE_PATH = '/workspace';

/** Label on the workspace volume naming the run whose workspace it is. */
export const WORKSPACE_LABEL = 'containerops.workspace';

/** Label on services and containers: the original image reference (the spec holds its id). */
export const IMAGE_LABEL = 'containerops.image';

/**
 * The service of one job attempt is named after the attempt id: `[a-z0-9-]`, at most 63
 * characters, starting and ending with `[a-z0-9]` (engine/ids.ts), which is also what Swarm
 * accepts as a service name. Attempt ids differ across runs, so names never collide.
 */
export function serviceName(job: Pick<JobSpec, 'id'>): string {
  return job.id;
}

/** Name of the named volume holding a run's workspace. */
export function workspaceVolumeName(runId: string): string {
  return `containerops-ws-${runId}`;
}

/** The labels every service of the run carries, as Swarm list filters (`key=value`). */
export function runLabelFilters(runId: string): string[] {
  return [`${JobLabel.managed}=true`, `${JobLabel.runId}=${runId}`];
}
