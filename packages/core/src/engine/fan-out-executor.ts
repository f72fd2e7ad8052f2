/**
 * Runs a job that fans out (`matrix:` or `fan-out:`): one instance of the job per combination
 * or list item, at most `max-parallel` at a time, each through the ordinary job executor (so
 * retries, timeouts, hooks, secrets and logs work per instance).
 *
 * Scale: instances are made one at a time from a cursor, only when a slot is free; a running
 * instance has a full node (live-only events, logs), an ended one is folded into its fan-out's
 * counts and a compact {@link InstanceSummary}; an instance not started yet does not exist. What
 * is stored of the instances is the fan-out job's progress events (fan-out-progress.ts), at a
 * bounded rate; an ended instance's slot frees at once, its backend object goes once a stored
 * progress event lists its end.
 *
 * Control: with `fail-fast` (the default) the first failed instance stops new starts and
 * cancels the running ones; without it every instance runs. The fan-out job succeeds only if
 * every instance did. Its outputs are the counts (`fan-out.total`, `.passed`, `.failed`,
 * `.skipped`) and, for each declared output, one JSON object of the instances' values keyed by
 * instance name (the fan-in a later job links to).
 */
import { formatCoData } from '../contract/co-data.js';
import { FAN_OUT_SUMMARY_OUTPUTS } from '../definition/fan-out-limits.js';
import type { ActionDefinition, JobDefinition, StageDefinition } from '../definition/model.js';
import { jobPath } from '../definition/model.js';
import { isFailure } from './action-executor.js';
import { FanOutListError, fanOutCursor } from './fan-out-cursor.js';
import type { FanOutCursor, FanOutItem } from './fan-out-cursor.js';
import { FanOutProgressReporter, MAX_UNRELEASED_INSTANCES } from './fan-out-progress.js';
import type { JobResult, NodeResult } from './job-executor.js';
import { scanAttemptLog } from './recovery-plan.js';
import type { RunExecution } from './run-execution.js';
import type { FanOutSnapshot, InstanceSummary } from './snapshot.js';
import type { NodeStatus } from './status.js';
import { stoppedStatus } from './timeouts.js';
import type { StopScope } from './timeouts.js';

/** Runs one (non-fan-out) job; the job executor's `run`. */
export type RunOneJob = (
  exec: RunExecution,
  stage: StageDefinition,
  action: ActionDefinition,
  job: JobDefinition,
  scope: StopScope,
  /** Resolves once the job's latest event is stored (see `JobExecutor.run`). */
  durable?: () => Promise<void>,
) => Promise<JobResult>;

/** Prefix of the reason a fan-out over a list fails with when the list cannot be used. */
export const FAN_OUT_LIST_INVALID = 'FAN_OUT_LIST_INVALID';

/** The job definition of one instance: the job's, named after the item, with its inputs added. */
export function instanceJob(job: JobDefinition, item: FanOutItem): JobDefinition {
  const { fanOut, ...rest } = job;
  void fanOut;
  const given = job.env['CO_DATA'];
  // A `CO_DATA` written in the file is passed verbatim (docs/design.md §3): the item's pairs are
  // appended so the component finds them there too.
  const env =
    given === undefined
      ? job.env
      : { ...job.env, CO_DATA: `${given} ${formatCoData(item.inputs)}`.trim() };
  return { ...rest, name: item.name, env, inputs: { ...job.inputs, ...item.inputs } };
}

export class FanOutExecutor {
  constructor(private readonly runJob: RunOneJob) {}

  /** Never rejects; `path` is the fan-out job's, which is pending or (after a restart) running. */
  async run(
    exec: RunExecution,
    stage: StageDefinition,
    action: ActionDefinition,
    job: JobDefinition,
    path: string,
    scope: StopScope,
  ): Promise<JobResult> {
    const { state } = exec;
    const f = job.fanOut;
    if (f === undefined) throw new Error(`job ${path} does not fan out`);
    if (state.job(path).status !== 'running') state.setJob(path, 'running', { attempt: 1 });
    const fail = (reason: string): NodeResult => {
      state.setJob(path, 'failed', { reason });
      return { status: 'failed', reason };
    };

    let cursor: FanOutCursor;
    try {
      let text: string | undefined;
      if (f.kind === 'list') {
        const from = jobPath(f.over.stage, f.over.action, f.over.job);
        const outputs = exec.outputs.get(from);
        text = outputs?.[f.over.output];
        if (text === undefined)
          return fail(
            `${FAN_OUT_LIST_INVALID}: fan-out over ${from}[${f.over.output}]: ${outputs === undefined ? 'that job has not succeeded in this run' : 'that job did not report the output'}`,
          );
      }
      cursor = fanOutCursor(job, text);
    } catch (error) {
      if (!(error instanceof FanOutListError) || f.kind !== 'list') throw error;
      const { over } = f;
      return fail(
        `${FAN_OUT_LIST_INVALID}: fan-out over ${jobPath(over.stage, over.action, over.job)}[${over.output}]: the value ${error.message}`,
      );
    }

    const fan = state.initFanOut(path, cursor.total);
    const actionPath = path.slice(0, path.lastIndexOf('.'));
    const keepOutputs = job.outputs.length > 0;
    // After a restart: instances that ended are not run again, those that were running resume.
    const ended = new Set(fan.instances.map((i) => i.name));
    let resumable = Object.keys(fan.active).length;
    // A fail-fast fan-out that had a failure before the restart starts nothing new; the
    // instances it was winding down are followed to their end (so no backend object is left).
    const stopped = f.failFast && fan.failed > 0;
    const group = scope.child();
    const progress = new FanOutProgressReporter({
      state,
      path,
      fan,
      stored: () => exec.services.outbox.stored(),
      intervalMs: exec.services.fanOutProgressMs,
    });
    const durable = (): Promise<void> => progress.durable();
    let running = 0;
    let wake: (() => void) | undefined;
    const slotFreed = (): Promise<void> =>
      new Promise((resolve) => {
        wake = resolve;
      });
    const wakeUp = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const freeSlot = (): void => {
      running -= 1;
      wakeUp();
    };
    /** Backend objects of ended instances on their way out (each waits for a progress event). */
    const releasing = new Set<Promise<void>>();
    const unreleasedCap = Math.max(2 * f.maxParallel, MAX_UNRELEASED_INSTANCES);
    let first: { readonly name: string; readonly result: NodeResult } | undefined;

    try {
      for (;;) {
        // At most max-parallel instances run, and a bounded number of ended ones wait for a
        // stored progress event before their backend objects go (a failing store holds those
        // back: new starts wait for them, as a job waits for its result to be stored).
        while (running >= f.maxParallel || releasing.size >= unreleasedCap) {
          if (releasing.size >= unreleasedCap) progress.now();
          await slotFreed();
        }
        if (group.aborted) break;
        const item = cursor.next();
        if (item === undefined) break;
        if (ended.has(item.name)) continue;
        const instancePath = `${actionPath}.${item.name}`;
        if (stopped) {
          if (resumable === 0) break;
          if (fan.active[item.name] === undefined) continue;
        }
        if (fan.active[item.name] !== undefined) resumable -= 1;
        const reused = exec.reused.get(instancePath);
        if (reused !== undefined) {
          fan.started += 1;
          fan.passed += 1;
          fan.instances.push(
            Object.freeze({
              name: item.name,
              status: 'succeeded',
              attempt: 0,
              reason: `reused from run ${reused.fromRunId}`,
              ...(keepOutputs ? { outputs: reused.outputs } : {}),
            }),
          );
          progress.touch();
          continue;
        }
        state.addInstance(path, item.name);
        await this.adoptOrphan(exec, job, instancePath);
        running += 1;
        void this.runJob(exec, stage, action, instanceJob(job, item), group, durable).then(
          (result) => {
            try {
              // Folded at its end: the next progress event lists it, and its slot frees now
              // (its backend object waits for that event, in `released`).
              state.endInstance(path, instancePath, keepOutputs);
              progress.touch();
              exec.outputs.delete(instancePath);
              if (isFailure(result.status) && first === undefined) {
                first = { name: item.name, result };
                if (f.failFast && scope.cause() === undefined)
                  group.abort({
                    kind: 'cancel',
                    reason: `cancelled: fail-fast after ${item.name} ${result.status}`,
                  });
              }
              if (result.released !== undefined) {
                const out = result.released;
                releasing.add(out);
                void out.then(() => {
                  releasing.delete(out);
                  wakeUp();
                });
              }
            } finally {
              // Whatever happened, the slot frees: a fan-out never waits forever.
              freeSlot();
            }
          },
        );
      }
      while (running > 0) await slotFreed();
    } finally {
      group.dispose();
      fan.skipped = fan.total - fan.passed - fan.failed;
      // The last progress event goes before the job's own end; then nothing of an instance
      // outlives the fan-out job.
      progress.close();
    }
    await Promise.all(releasing);

    const outputs = fanOutOutputs(job, fan);
    const cause = scope.cause();
    let status: NodeStatus = 'succeeded';
    let reason: string | undefined;
    if (cause !== undefined) {
      status = stoppedStatus(cause);
      reason = cause.reason;
    } else if (fan.failed > 0) {
      status = 'failed';
      const why =
        first === undefined
          ? ''
          : `; first: ${first.name}: ${first.result.reason ?? first.result.status}`;
      const stopped = f.failFast && fan.skipped > 0 ? `; fail-fast: ${fan.skipped} not run` : '';
      reason = `${fan.failed} of ${fan.total} instances failed${why}${stopped}`;
    }
    if (status === 'succeeded') exec.outputs.set(path, outputs);
    state.setJob(path, status, reason === undefined ? { outputs } : { reason, outputs });
    return reason === undefined ? { status } : { status, reason };
  }

  /**
   * After an engine restart: an instance whose attempt the backend runs already, though no event
   * of it was stored (started just before the crash), is followed instead of started again.
   */
  private async adoptOrphan(
    exec: RunExecution,
    job: JobDefinition,
    instancePath: string,
  ): Promise<void> {
    const orphan = exec.recovery?.orphan(
      exec.runId,
      instancePath,
      1 + Math.max(0, job.retry.limit),
    );
    if (orphan === undefined || exec.recovery === undefined) return;
    const logs = exec.services.logs;
    const tail =
      logs === undefined
        ? { lastSeq: 0, priorStdout: [] }
        : await scanAttemptLog(logs, exec.runId, instancePath, orphan.attempt);
    exec.recovery.resumeAs(instancePath, {
      mode: 'follow',
      attempt: orphan.attempt,
      handle: orphan.handle,
      ...tail,
    });
    exec.state.setJob(instancePath, 'running', { attempt: orphan.attempt });
  }
}

/** The counts, then one JSON object per declared output: instance name → value. */
export function fanOutOutputs(job: JobDefinition, fan: FanOutSnapshot): Record<string, string> {
  const [total, passed, failed, skipped] = FAN_OUT_SUMMARY_OUTPUTS;
  const outputs: Record<string, string> = {
    [total]: String(fan.total),
    [passed]: String(fan.passed),
    [failed]: String(fan.failed),
    [skipped]: String(fan.skipped),
  };
  for (const key of job.outputs) {
    const values: Record<string, string> = {};
    for (const instance of sortedByName(fan.instances)) {
      const value = instance.outputs?.[key];
      if (value !== undefined) values[instance.name] = value;
    }
    outputs[key] = JSON.stringify(values);
  }
  return outputs;
}

/** Ended order depends on timing; the fan-in object does not. */
function sortedByName(instances: readonly InstanceSummary[]): readonly InstanceSummary[] {
  return [...instances].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
