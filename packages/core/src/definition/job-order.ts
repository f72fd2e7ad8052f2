/** Run order of jobs inside a workflow, as data links need it. */
import type { StageDefinition } from './model.js';

/** Where a job sits in the model: indices of its stage, action and job. */
export interface JobLocation {
  readonly stage: number;
  readonly action: number;
  readonly job: number;
}

/**
 * True iff the job at `source` has finished before the job at `target` starts: it is in an
 * earlier stage; or in the same action at a lower index; or in an earlier action of the same
 * `sequence` stage. Actions of a `parallel` stage run side by side, so they are never earlier.
 * Pure; indices are model indices (`workflow.stages[s].actions[a].jobs[j]`).
 */
export function runsBefore(
  stages: readonly (Pick<StageDefinition, 'sequencing'> | undefined)[],
  source: JobLocation,
  target: JobLocation,
): boolean {
  if (source.stage !== target.stage) return source.stage < target.stage;
  if (source.action === target.action) return source.job < target.job;
  return source.action < target.action && stages[source.stage]?.sequencing === 'sequence';
}
