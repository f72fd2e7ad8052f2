/**
 * Runs one attempt of a `component` job on the orchestrator: start, then follow its logs and wait
 * for its exit concurrently, stop it when its scope aborts, then read outputs and decide the
 * result by the component contract. Orchestrator failures anywhere become a failed outcome.
 */
import { OutputCollector } from '../contract/output-collector.js';
import { decideJobResult } from '../contract/result.js';
import { encodeLabels } from '../orchestrator/labels.js';
import { JobLabel } from '../orchestrator/orchestrator.js';
import type {
  JobExit,
  JobHandle,
  JobSpec,
  OrchestratorCapabilities,
} from '../orchestrator/orchestrator.js';
import { jobAttemptId } from './ids.js';
import { StoreBackpressure } from './store-backpressure.js';
import { messageOf } from './job-environment.js';
import { outcome } from './job-runner.js';
import type { AttemptOutcome, JobAttempt, JobRunner } from './job-runner.js';
import { stoppedStatus } from './timeouts.js';

/** After a stop's grace period, how long `wait()` may take to confirm before we stop waiting. */
const STOP_SETTLE_MS = 5_000;
/** After the job exited, how long its log stream may take to end before we stop reading. */
const LOG_DRAIN_MS = 10_000;

type Waited = { readonly exit: JobExit } | { readonly error: unknown } | { readonly gaveUp: true };

export class ComponentRunner implements JobRunner {
  async run(a: JobAttempt): Promise<AttemptOutcome> {
    const { exec, job, path, scope, log } = a;
    const { orchestrator, stopGraceMs } = exec.services;
    if (a.resume === undefined) {
      for (const option of ignoredJobOptions(job, orchestrator.capabilities)) {
        log.system(`${option} ignored: the ${orchestrator.name} orchestrator does not read it`);
      }
    }
    const stopped = (): AttemptOutcome | undefined => {
      const cause = scope.cause();
      if (cause === undefined) return undefined;
      const ownTimeout = cause.kind === 'timeout' && cause.path === path;
      return outcome(stoppedStatus(cause), cause.reason, ownTimeout, { exitCode: null });
    };
    const before = stopped();
    if (before !== undefined) return before;

    let handle: JobHandle;
    try {
      // A resumed attempt (engine restart) already runs: follow it instead of starting it again.
      handle = a.resume?.handle ?? (await orchestrator.start(checkedJobSpec(a)));
    } catch (error) {
      return stopped() ?? outcome('failed', `could not start: ${messageOf(error)}`, false);
    }
    exec.state.setBackendId(path, handle.backendId);
    const release = async (): Promise<void> => {
      const removed = call(() => orchestrator.remove(handle)).then(
        () => undefined,
        (error: unknown) => `could not remove the job from the orchestrator: ${messageOf(error)}`,
      );
      const problem = await settleWithin(removed, STOP_SETTLE_MS, 'removing the job timed out');
      if (problem !== undefined) log.system(problem);
      exec.state.setBackendId(path, undefined);
    };

    // Stop on abort; stop once. If the backend never confirms, give up waiting after the grace.
    let stopping: Promise<string | undefined> | undefined;
    let giveUpTimer: ReturnType<typeof setTimeout> | undefined;
    let giveUp: () => void = () => undefined;
    const gaveUp = new Promise<Waited>((resolve) => {
      giveUp = () => resolve({ gaveUp: true });
    });
    const onAbort = (): void => {
      if (stopping !== undefined) return;
      // call(): a backend that throws synchronously must not break the abort fan-out.
      stopping = call(() => orchestrator.stop(handle, { graceMs: stopGraceMs })).then(
        () => undefined,
        (error: unknown) => `could not stop the job: ${messageOf(error)}`,
      );
      giveUpTimer = setTimeout(giveUp, stopGraceMs + STOP_SETTLE_MS);
    };
    const offAbort = scope.onAbort(onAbort);

    const collector = new OutputCollector({
      mode: exec.workflow.outputs,
      limitBytes: exec.workflow.outputLimitBytes,
    });
    // Outputs printed before an engine restart were stored, not re-read: collect them again.
    for (const text of a.resume?.priorStdout ?? []) collector.acceptStdoutLine(text);
    const logAbort = new AbortController();
    let reading = true;
    let logsSettled = false;
    const logsDone = (async (): Promise<{ error?: unknown }> => {
      try {
        const from = { ...a.resume?.logs, signal: logAbort.signal };
        const storing = new StoreBackpressure(exec.services.outbox);
        if (orchestrator.logBatches !== undefined) {
          // One await per batch, no object per line until the log line itself.
          for await (const { stream, lines, time, partial } of orchestrator.logBatches(
            handle,
            from,
          )) {
            if (!reading) break;
            for (let i = 0; i < lines.length; i++) {
              const text = lines[i] as string;
              // `[COUT]` counts on both streams (original components report on stderr too).
              collector.acceptLine(stream, text, partial !== undefined && partial.includes(i));
              log.write(stream, text, time);
            }
            const room = storing.wrote(lines.length);
            if (room !== undefined) await room;
          }
          return {};
        }
        for await (const chunk of orchestrator.logs(handle, from)) {
          if (!reading) break;
          // `[COUT]` counts on both streams, as above.
          collector.acceptLine(chunk.stream, chunk.text, chunk.partial);
          log.write(chunk.stream, chunk.text, chunk.time);
          const room = storing.wrote(1);
          if (room !== undefined) await room;
        }
        return {};
      } catch (error) {
        return { error };
      } finally {
        logsSettled = true;
      }
    })();

    let waited: Waited;
    try {
      waited = await Promise.race([
        call(() => orchestrator.wait(handle)).then(
          (exit): Waited => ({ exit }),
          (error: unknown): Waited => ({ error }),
        ),
        gaveUp,
      ]);
    } finally {
      offAbort();
      if (giveUpTimer !== undefined) clearTimeout(giveUpTimer);
    }

    let logResult: { error?: unknown } | undefined;
    if ('gaveUp' in waited) {
      reading = false;
      logAbort.abort();
      log.system('the orchestrator did not confirm the stop; the job may still be running');
    } else if (logsSettled) {
      logResult = await logsDone;
    } else {
      logResult = await settleWithin(logsDone, LOG_DRAIN_MS, undefined);
      if (logResult === undefined) {
        reading = false;
        logAbort.abort();
        log.system(
          `the log stream did not end ${LOG_DRAIN_MS / 1000}s after the job exited; stopped reading`,
        );
      }
    }
    if (stopping !== undefined) {
      // A stop that never returns must not hold the job (and the run) forever.
      const problem = await settleWithin(
        stopping,
        'gaveUp' in waited ? 0 : STOP_SETTLE_MS,
        undefined,
      );
      if (problem !== undefined) log.system(problem);
    }

    const exitCode = 'exit' in waited ? waited.exit.exitCode : null;
    const stop = stopped();
    if (stop !== undefined) return { ...stop, exitCode, release };
    if ('error' in waited) {
      return {
        ...outcome('failed', `orchestrator error: ${messageOf(waited.error)}`, true),
        release,
      };
    }
    if (!('exit' in waited)) return { ...outcome('failed', 'the job did not end', true), release };
    if (logResult?.error !== undefined) {
      const reason = `orchestrator error: the log stream failed: ${messageOf(logResult.error)}`;
      return { ...outcome('failed', reason, true, { exitCode }), release };
    }

    const { exit } = waited;
    if (exit.outputFile !== undefined) collector.acceptOutputFile(exit.outputFile);
    const collected = collector.finish();
    for (const warning of collected.warnings) log.system(warning);
    const result = decideJobResult({
      exit,
      coResult: collected.coResult,
      outputError: collected.error,
      timedOut: false,
      cancelled: false,
    });
    const succeeded = result.status === 'succeeded';
    return {
      status: succeeded ? 'succeeded' : 'failed',
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      exitCode,
      outputs: collected.outputs,
      retryable: !succeeded,
      release,
    };
  }
}

/** The backend-only fields a job may set, as the workflow model names them. */
const JOB_OPTION_FIELDS = ['kubectl'] as const;

/** The job's backend-only fields, as a bag keyed by field name (empty when it sets none). */
function jobOptionsOf(job: JobAttempt['job']): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const field of JOB_OPTION_FIELDS) {
    if (job[field] !== undefined) options[field] = job[field];
  }
  // A manifest resolved at parse time travels as its text: the orchestrator cannot see the flow file.
  if (job.kubectlManifest !== undefined) options['kubectl'] = job.kubectlManifest;
  return options;
}

/** The backend-only fields `job` sets that an orchestrator with `capabilities` does not read. */
export function ignoredJobOptions(
  job: JobAttempt['job'],
  capabilities: OrchestratorCapabilities,
): string[] {
  const read = capabilities.jobOptions ?? [];
  return Object.keys(jobOptionsOf(job)).filter((name) => !read.includes(name));
}

/** {@link buildJobSpec}, refused (thrown) when the orchestrator finds its options wrong. */
function checkedJobSpec(a: JobAttempt): JobSpec {
  const spec = buildJobSpec(a);
  const validate = a.exec.services.orchestrator.validateJobOptions;
  if (spec.options !== undefined && validate !== undefined) {
    const problem = validate.call(a.exec.services.orchestrator, spec.options);
    if (problem !== undefined) throw new Error(`invalid job options: ${problem}`);
  }
  return spec;
}

/**
 * The JobSpec of one attempt: id, engine labels over the job's own (made to follow the label
 * rule, originals of changed values in `annotations`), the resolved env, and the backend-only
 * options the orchestrator declared it reads.
 */
export function buildJobSpec(a: JobAttempt): JobSpec {
  const { exec, stage, action, job, attempt } = a;
  const id = jobAttemptId(exec.runId, a.path, attempt);
  // Object.assign, not spreads followed by more keys: V8 builds those several times slower.
  const labels: Record<string, string> = Object.assign(
    {},
    exec.workflow.labels,
    stage.labels,
    action.labels,
    job.labels,
    {
      [JobLabel.managed]: 'true',
      [JobLabel.runId]: exec.runId,
      [JobLabel.workflow]: exec.workflow.uri,
      [JobLabel.stage]: stage.name,
      [JobLabel.action]: action.name,
      [JobLabel.job]: job.name,
      [JobLabel.attempt]: String(attempt),
      [JobLabel.jobId]: id,
    },
  );
  const workspaceRunId = exec.orchestratorRun.workspaceRunId;
  const encoded = encodeLabels(labels);
  const read = exec.services.orchestrator.capabilities.jobOptions ?? [];
  const options = Object.fromEntries(
    Object.entries(jobOptionsOf(job)).filter(([name]) => read.includes(name)),
  );
  return {
    id,
    runId: exec.runId,
    workflow: exec.workflow.uri,
    stage: stage.name,
    action: action.name,
    job: job.name,
    attempt,
    ...(job.image === undefined ? {} : { image: job.image }),
    ...(job.command === undefined ? {} : { command: job.command }),
    env: a.env,
    resources: job.resources,
    labels: encoded.labels,
    ...(Object.keys(encoded.annotations).length === 0 ? {} : { annotations: encoded.annotations }),
    ...(job.timeoutMs === undefined ? {} : { timeoutMs: job.timeoutMs }),
    ...(Object.keys(options).length === 0 ? {} : { options }),
    ...(workspaceRunId === undefined ? {} : { workspaceRunId }),
  };
}

/** `fn()`'s promise, rejected if `fn` throws synchronously (without an async wrapper's extra turns). */
function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Microtask turns a promise gets to settle before {@link settleWithin} looks further. */
const QUICK_TURNS = 4;

/**
 * `promise`'s value, or `fallback` if it has not settled within `ms` (it must never reject).
 * Most promises guarded here settle at once (a backend with nothing left to do) or later in the
 * same event-loop turn (log pipes that close along with the exit): those get no timer, since
 * arming and clearing one on every job is a measurable part of the engine's per-job cost. The
 * timer, when needed, starts at the end of that turn.
 */
async function settleWithin<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  const box: { settled?: { readonly value: T } } = {};
  const tracked = promise.then((value) => {
    box.settled = { value };
    return value;
  });
  for (let i = 0; i < QUICK_TURNS && box.settled === undefined; i++) await undefined;
  if (box.settled === undefined) {
    await Promise.race([tracked, new Promise<void>((resolve) => setImmediate(resolve))]);
  }
  if (box.settled !== undefined) return box.settled.value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([tracked, late]);
  } finally {
    clearTimeout(timer);
  }
}
