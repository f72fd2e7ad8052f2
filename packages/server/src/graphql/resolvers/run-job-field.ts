/**
 * `Run.job(path)`: one job of a run — or one instance of a fan-out — by its path, so a client
 * showing one job need not read the whole tree (nor page a fan-out's instances) to find it.
 */
import { findInstance } from '@containerops/core';
import type { JobRunSnapshot } from '@containerops/core';
import { Arg, FieldResolver, Resolver, Root } from 'type-graphql';
import { InputLimits, checkText } from '../input-rules.js';
import { JobRunType, RunType } from '../types/run-types.js';

@Resolver(() => RunType)
export class RunJobFieldResolver {
  /**
   * A job of the tree as `stages` has it; an instance as a `JobRun` without `fanOut` (its status,
   * latest attempt, exit code, reason, duration and outputs). Null when the run has neither: the
   * same answer for a job that does not exist and an instance that has not started.
   */
  @FieldResolver(() => JobRunType, {
    nullable: true,
    description:
      'The job at path (stage.action.job), or the started fan-out instance at path ' +
      '(stage.action.job[axis=value,...] or stage.action.job[index]); null if there is none.',
  })
  job(@Root() run: RunType, @Arg('path', () => String) path: string): JobRunType | null {
    const wanted = checkText('path', path, InputLimits.uri);
    for (const stage of run.stages) {
      for (const action of stage.actions) {
        if (!wanted.startsWith(`${action.path}.`)) continue;
        for (const job of action.jobs) {
          if (job.path === wanted) return job;
          const source = job.fanOut?.source;
          if (source === undefined) continue;
          const instance = findInstance(fanOutNode(job.name, source), wanted);
          if (instance !== undefined)
            return {
              name: instance.name,
              path: instance.path,
              status: instance.status as JobRunType['status'],
              attempt: instance.attempt,
              exitCode: instance.exitCode,
              reason: instance.reason,
              durationMs: instance.durationMs,
              outputs: instance.outputs ?? {},
            };
        }
      }
    }
    return null;
  }
}

/** The fan-out job as core's lookup takes it (only its name, path and instances are read). */
function fanOutNode(
  name: string,
  source: { readonly path: string; readonly fanOut: JobRunSnapshot['fanOut'] },
): JobRunSnapshot {
  return {
    name,
    path: source.path,
    status: 'running',
    attempt: 0,
    outputs: {},
    ...(source.fanOut === undefined ? {} : { fanOut: source.fanOut }),
  };
}
