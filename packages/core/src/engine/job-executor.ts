/**
 * Runs one job to its final status: inactive and reused jobs, data links and secrets, then
 * attempts with retries and exponential backoff. Each attempt emits `running` (with `attempt`),
 * runs the pre hook, the runner for the job's type, the post hook, emits its result, and
 * releases the backend once that result is stored (so a restarted engine never finds an attempt
 * both gone from the backend and still running in the store); between attempts the job is `waiting` with the failed attempt's reason.
 *
 * Retry policy: a failed attempt (exit code, CO_RESULT, OOM, outputs, orchestrator error, post
 * hook) and an attempt that ran over the job's OWN timeout are retried; cancellations, timeouts of
 * an enclosing action/stage/run, start errors and pre-hook failures are not (another attempt
 * cannot help, or the enclosing scope is already over). The job timeout applies per attempt.
 */
import type { ActionDefinition, JobDefinition, StageDefinition } from '../definition/model.js';
import { jobPath } from '../definition/model.js';
import { AttemptLog } from './attempt-log.js';
import { envForAttempt, messageOf, prepareJobEnv } from './job-environment.js';
import { FanOutExecutor } from './fan-out-executor.js';
import { NO_HOOK_RUNNER, runPostHook, runPreHook } from './job-hooks.js';
import type { AttemptOutcome, JobRunners } from './job-runner.js';
import { LOST_DURING_RESTART } from './recovery.js';
import type { JobResume } from './recovery.js';
import type { RunExecution } from './run-execution.js';
import type { LogTruncation } from './snapshot.js';
import type { NodeStatus } from './status.js';
import { deadline, formatMs, sleep, stoppedStatus } from './timeouts.js';
import type { StopScope } from './timeouts.js';

/** How a node ended, with the reason its parent reports. */
export interface NodeResult {
  readonly status: NodeStatus;
  readonly reason?: string;
}

/** How a job ended; its backend object may still be on its way out. */
export interface JobResult extends NodeResult {
  /**
   * Resolves (never rejects) once the last attempt's backend object is released, which happens only
   * after the job's result event is stored. The caller may start the next job before that (a
   * restarted engine follows every attempt the backend still knows, see recovery-plan.ts), but must
   * await it before its own node ends, so nothing of the job outlives its action.
   */
  readonly released?: Promise<void>;
}

type AttemptResult =
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'done';
      readonly status: AttemptOutcome['status'];
      readonly reason?: string;
      readonly exitCode?: number | null;
      readonly outputs: Record<string, string>;
      readonly retryable: boolean;
      /** Frees the attempt's backend objects; the caller calls it once the result is stored. */
      readonly release?: () => Promise<void>;
    };

/** The delay before attempt `failed + 1`: `backoffMs * factor^(failed-1)`, capped. */
export function backoffDelay(retry: JobDefinition['retry'], failedAttempt: number): number {
  const raw = retry.backoffMs * Math.pow(retry.factor, failedAttempt - 1);
  return Math.max(0, Math.min(raw, retry.maxBackoffMs));
}

export class JobExecutor {
  private readonly fanOut = new FanOutExecutor((exec, stage, action, job, scope, durable) =>
    this.run(exec, stage, action, job, scope, durable),
  );

  constructor(private readonly runners: JobRunners) {}

  /**
   * Never rejects; the job ends in a terminal status. `scope` is the enclosing action's.
   * `durable`: resolves once the job's latest event is stored, for a job whose events are not
   * stored themselves (a fan-out instance: its fan-out's progress events are); default: the
   * outbox's `stored`.
   */
  async run(
    exec: RunExecution,
    stage: StageDefinition,
    action: ActionDefinition,
    job: JobDefinition,
    scope: StopScope,
    durable?: () => Promise<void>,
  ): Promise<JobResult> {
    const path = jobPath(stage.name, action.name, job.name);
    const { state } = exec;
    const end = (
      status: NodeStatus,
      reason?: string,
      extra: {
        exitCode?: number | null;
        outputs?: Record<string, string>;
        logTruncated?: LogTruncation;
      } = {},
    ): NodeResult => {
      const masked = reason === undefined ? undefined : exec.masker.mask(reason);
      // Object.assign, not `{ ...a, ...b }`: V8 builds spread-then-extended objects several times
      // slower, and this runs for every job.
      state.setJob(
        path,
        status,
        masked === undefined ? extra : Object.assign({ reason: masked }, extra),
      );
      return masked === undefined ? { status } : { status, reason: masked };
    };

    // After an engine restart: a job that had ended keeps its result (it never runs twice).
    const recorded = exec.recovery?.recorded(state.job(path));
    if (recorded !== undefined) return recorded;
    if (!job.active) return end('skipped', 'inactive');
    const reused = exec.reused.get(path);
    if (reused !== undefined) {
      exec.outputs.set(path, reused.outputs);
      return end('succeeded', `reused from run ${reused.fromRunId}`, {
        outputs: { ...reused.outputs },
      });
    }
    const early = scope.cause();
    if (early !== undefined) return end('skipped', early.reason);
    if (job.fanOut !== undefined) return this.fanOut.run(exec, stage, action, job, path, scope);
    const hooks = exec.services.hooks;
    if ((job.pre !== undefined || job.post !== undefined) && hooks === undefined) {
      return end('failed', NO_HOOK_RUNNER);
    }
    const prepared = await prepareJobEnv(exec, stage, action, job);
    if (!prepared.ok) return end('failed', prepared.reason);

    const maxAttempts = 1 + Math.max(0, job.retry.limit);
    const resume = exec.recovery?.take(path);
    for (let attempt = resume?.attempt ?? 1; ; attempt++) {
      const cause = scope.cause();
      if (cause !== undefined) {
        return attempt === 1
          ? end('skipped', cause.reason)
          : end(stoppedStatus(cause), cause.reason);
      }
      // A resumed attempt is running already (its `running` event is stored): no second one.
      const resumed = attempt === resume?.attempt && resume.mode !== 'start' ? resume : undefined;
      if (resumed === undefined) state.setJob(path, 'running', { attempt });
      const { outbox } = exec.services;
      const log = new AttemptLog(
        outbox,
        exec.masker,
        exec.runId,
        path,
        attempt,
        resumed?.lastSeq,
        exec.services.logLimitBytes,
      );
      const attemptScope = scope.child(deadline('job', path, job.timeoutMs));
      let result: AttemptResult;
      try {
        result = await this.attempt(exec, {
          stage,
          action,
          job,
          path,
          attempt,
          log,
          scope: attemptScope,
          outer: scope,
          env: prepared.env,
          inputs: prepared.inputs,
          resume: resumed,
        });
      } catch (error) {
        // A runner or hook bug: record it on the job instead of leaving the run hanging.
        result = {
          kind: 'done',
          status: 'failed',
          reason: `internal error: ${messageOf(error)}`,
          outputs: {},
          retryable: false,
        };
      } finally {
        attemptScope.dispose();
      }
      if (result.kind === 'skip') return end('skipped', result.reason);
      // The backend object goes only once the attempt's result is stored: otherwise an engine
      // restarted in between would find no object for an attempt the store calls running, and
      // fail (or retry) a job that had ended. The store write is not hurried (`stored`, not
      // `flushed`): after a job's last attempt the next job starts first, and the write and the
      // removal run while it runs (see JobResult.released).
      const { release } = result;
      const settle = async (): Promise<void> => {
        if (release === undefined) return;
        await (durable === undefined ? exec.services.outbox.stored() : durable());
        await release();
      };
      const outputs = exec.masker.maskRecord(result.outputs);
      const exitCode = result.exitCode === undefined ? {} : { exitCode: result.exitCode };
      // Reported on the result, never deciding it: the job's own exit does.
      const cut = log.truncation();
      const truncated = cut === undefined ? {} : { logTruncated: cut };
      if (result.status === 'succeeded') {
        exec.outputs.set(path, outputs);
        const succeeded = end(
          'succeeded',
          undefined,
          Object.assign({ exitCode: result.exitCode, outputs }, truncated),
        );
        return release === undefined ? succeeded : { ...succeeded, released: settle() };
      }
      const reason = result.reason ?? result.status;
      if (result.retryable && attempt < maxAttempts && scope.cause() === undefined) {
        const delay = backoffDelay(job.retry, attempt);
        state.setJob(path, 'waiting', {
          reason: exec.masker.mask(
            `attempt ${attempt} of ${maxAttempts} ${result.status}: ${reason}; retrying in ${formatMs(delay)}`,
          ),
          ...exitCode,
          ...truncated,
        });
        await settle();
        await sleep(delay, scope);
        continue;
      }
      const tries = attempt > 1 ? ` (attempt ${attempt} of ${maxAttempts})` : '';
      const ended = end(
        result.status,
        `${reason}${tries}`,
        Object.assign({ exitCode: result.exitCode, outputs }, truncated),
      );
      return release === undefined ? ended : { ...ended, released: settle() };
    }
  }

  private async attempt(
    exec: RunExecution,
    a: {
      stage: StageDefinition;
      action: ActionDefinition;
      job: JobDefinition;
      path: string;
      attempt: number;
      log: AttemptLog;
      scope: StopScope;
      outer: StopScope;
      env: Readonly<Record<string, string>>;
      inputs: Readonly<Record<string, string>>;
      resume: JobResume | undefined;
    },
  ): Promise<AttemptResult> {
    const { job, path, log, scope } = a;
    if (a.resume?.mode === 'lost') {
      const reason = LOST_DURING_RESTART;
      return { kind: 'done', status: 'failed', reason, outputs: {}, retryable: true };
    }
    const hooks = exec.services.hooks;
    let env = envForAttempt(a.env, a.attempt);
    // A resumed attempt ran its pre hook before the restart.
    if (job.pre !== undefined && hooks !== undefined && a.resume === undefined) {
      const pre = await runPreHook(hooks, {
        script: job.pre,
        jobPath: path,
        env,
        inputs: a.inputs,
        signal: scope.signal,
        log,
      });
      const cause = scope.cause();
      if (cause !== undefined) {
        const own = cause.kind === 'timeout' && cause.path === path;
        return {
          kind: 'done',
          status: stoppedStatus(cause),
          reason: cause.reason,
          outputs: {},
          retryable: own,
        };
      }
      if (pre.kind === 'skip') return pre;
      if (pre.kind === 'fail')
        return {
          kind: 'done',
          status: 'failed',
          reason: pre.reason,
          outputs: {},
          retryable: false,
        };
      env = pre.env;
    }

    const out = await this.runners[job.type].run({
      exec,
      stage: a.stage,
      action: a.action,
      job,
      path,
      attempt: a.attempt,
      env,
      scope,
      log,
      resume: a.resume,
    });
    let status = out.status;
    let reason = out.reason;
    let outputs: Record<string, string> = { ...out.outputs };
    let retryable = out.retryable;
    if (
      job.post !== undefined &&
      hooks !== undefined &&
      (status === 'succeeded' || status === 'failed')
    ) {
      const post = await runPostHook(hooks, {
        script: job.post,
        jobPath: path,
        exitCode: out.exitCode ?? null,
        succeeded: status === 'succeeded',
        outputs,
        signal: a.outer.signal,
        log,
      });
      if (post.succeeded !== (status === 'succeeded')) retryable = !post.succeeded;
      status = post.succeeded ? 'succeeded' : 'failed';
      reason = post.succeeded ? undefined : (post.reason ?? reason);
      outputs = { ...post.outputs };
    }
    return {
      kind: 'done',
      status,
      ...(reason === undefined ? {} : { reason }),
      ...(out.exitCode === undefined ? {} : { exitCode: out.exitCode }),
      outputs,
      retryable,
      release: () => out.release(),
    };
  }
}
