/**
 * Finds one job of a run by its path: a job of the run's tree (`stage.action.job`) or an
 * instance of one of its fan-outs (`stage.action.job[shard=3]`, `stage.action.job[7]`), which is
 * not in the tree but summarised in its fan-out job (issue 16). For APIs that take a job path
 * (logs, live logs, one job by path).
 *
 * Cost: a walk over the run's stages and actions, then for an instance one keyed read of the
 * running ones and, for an ended one, one backward scan of the compact summaries the snapshot
 * already holds, comparing names only (no view is built, no instance list is read from a store).
 * A name the fan-out cannot have (`job[7]` of a 5-item list, a job that does not fan out, one
 * before any instance started) is refused without that scan.
 */
import { instanceView } from './fan-out-page.js';
import type { InstanceView } from './fan-out-page.js';
import type { InstanceSummary, JobRunSnapshot, RunSnapshot } from './snapshot.js';

/** A job or fan-out instance found by {@link findJob}. */
export type FoundJob =
  | { readonly kind: 'job'; readonly job: JobRunSnapshot }
  | {
      readonly kind: 'instance';
      /** The instance as the API lists it (status, latest attempt, outputs). */
      readonly instance: InstanceView;
      /** The fan-out job it belongs to. */
      readonly fanOutJob: JobRunSnapshot;
    };

/** `job[...]`: the base job name and the bracketed key of an instance name. */
const INSTANCE_NAME = /^([^[\]]+)\[(.*)\]$/s;

/**
 * The job or fan-out instance at `path` in `run`, or undefined when the run has none there
 * (unknown job, an instance its fan-out has not started or cannot have).
 */
export function findJob(run: Pick<RunSnapshot, 'stages'>, path: string): FoundJob | undefined {
  for (const stage of run.stages) {
    for (const action of stage.actions) {
      if (!path.startsWith(`${action.path}.`)) continue;
      const job = action.jobs.find((j) => j.path === path);
      if (job !== undefined) return { kind: 'job', job };
      for (const fanOutJob of action.jobs) {
        const instance = findInstance(fanOutJob, path);
        if (instance !== undefined) return { kind: 'instance', instance, fanOutJob };
      }
    }
  }
  return undefined;
}

/**
 * The started instance of fan-out job `job` at `path` (`stage.action.job[...]`), or undefined
 * when `job` does not fan out or has no such started instance.
 */
export function findInstance(job: JobRunSnapshot, path: string): InstanceView | undefined {
  const fan = job.fanOut;
  if (fan === undefined || fan.started === 0) return undefined;
  const actionPath = job.path.slice(0, job.path.lastIndexOf('.'));
  if (!path.startsWith(`${actionPath}.`)) return undefined;
  const name = path.slice(actionPath.length + 1);
  const match = INSTANCE_NAME.exec(name);
  if (match === null || match[1] !== job.name) return undefined;
  // A list's instances are numbered 0..total-1: any other number names none of them.
  if (/^\d+$/.test(match[2] as string) && Number(match[2]) >= fan.total) return undefined;
  const running = Object.hasOwn(fan.active, name) ? fan.active[name] : undefined;
  if (running !== undefined) return instanceView(running, actionPath);
  // Backwards: the instance asked about is most often one that ended recently.
  for (let i = fan.instances.length - 1; i >= 0; i--) {
    const summary = fan.instances[i] as InstanceSummary;
    if (summary.name === name) return instanceView(summary, actionPath);
  }
  return undefined;
}
