/**
 * How a Job and its Pod become the job's state: pure, so every branch is unit-tested from plain
 * objects. The Pod's container state is the truth for how the process ended (exit code, reason,
 * termination message); the Job's conditions say what Kubernetes did to it (deadline); a Pod that
 * never ran yields `error` with the scheduler's or kubelet's words, never an exit code.
 */
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { JobExit } from '@containerops/sdk';
import { CONTAINER_NAME } from './names.js';

/** What `wait` makes of the objects now. */
export type JobState =
  | { readonly kind: 'pending'; readonly since: number; readonly detail?: string }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly exit: JobExit };

export interface StateFacts {
  /** The Job, or undefined when it is gone (deleted, or never existed). */
  readonly job?: V1Job;
  /** The Job's newest Pod, or undefined when it has none (not created yet, or deleted). */
  readonly pod?: V1Pod;
  /** `stop()` was called for this job by this process. */
  readonly stoppedByUs: boolean;
  /** Now, ms since the epoch. */
  readonly now: number;
  /** How long a Pod may stay Pending before the job fails. */
  readonly pendingTimeoutMs: number;
}

/** Waiting reasons of a container whose image cannot be had: the job will never run. */
const IMAGE_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
]);

/** Waiting reasons of a container Kubernetes cannot create: retrying does not help. */
const CREATE_FAILURES = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

function time(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

/** The Job controller has given its verdict (or is about to: FailureTarget, SuccessCriteriaMet). */
function finished(job: V1Job): boolean {
  return ['Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet'].some(
    (type) => trueCondition(job, type) !== undefined,
  );
}

/** The condition of `type` with status True, if any. */
function trueCondition(job: V1Job | undefined, type: string) {
  return job?.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Why the Job's container image cannot be had, or undefined. */
export function imageProblem(pod: V1Pod | undefined): string | undefined {
  const waiting = containerStatus(pod)?.state?.waiting;
  if (waiting?.reason === undefined || !IMAGE_FAILURES.has(waiting.reason)) return undefined;
  const image = pod?.spec?.containers[0]?.image ?? 'the image';
  return `image ${image} cannot be pulled (${waiting.reason}): ${waiting.message ?? 'no details given'}`;
}

function containerStatus(pod: V1Pod | undefined) {
  return pod?.status?.containerStatuses?.find((s) => s.name === CONTAINER_NAME);
}

/** The scheduler's reason a Pod is not placed (PodScheduled=False), if it said one. */
export function schedulingProblem(pod: V1Pod | undefined): string | undefined {
  const scheduled = pod?.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled === undefined || scheduled.status !== 'False') return undefined;
  return `${scheduled.reason ?? 'Unschedulable'}: ${scheduled.message ?? 'no message from the scheduler'}`;
}

/** The job's exit once its container has terminated. */
function terminatedExit(
  terminated: { exitCode: number; reason?: string; message?: string },
  stoppedByUs: boolean,
): JobExit {
  const outputFile =
    terminated.message === undefined || terminated.message === ''
      ? {}
      : { outputFile: terminated.message };
  if (terminated.reason === 'OOMKilled') {
    return {
      exitCode: null,
      reason: 'oom',
      message: 'the container was killed for using more memory than its limit (OOMKilled)',
    };
  }
  if (stoppedByUs) {
    // A code above 128 is the signal that ended it, not the job's own.
    return {
      exitCode: terminated.exitCode > 128 ? null : terminated.exitCode,
      reason: 'killed',
      message: 'stopped by ContainerOps',
    };
  }
  return { exitCode: terminated.exitCode, reason: 'exited', ...outputFile };
}

/**
 * The job's state, in order of precedence:
 * 1. the container terminated: OOMKilled → `oom`; stopped by us → `killed`; the Job failed for
 *    its deadline → `error` "deadline exceeded" (the exit code is the kill's); else `exited` with
 *    the code and the termination message as the output file — for a non-zero exit of a Pod the
 *    Job controller was deleting, only once the Job's verdict is in (`running` until then);
 * 2. stopped by us: `killed` once the Pod is gone, else still `running`/`pending` (the Job is
 *    deleted first, its Pod ends within its grace period);
 * 3. the Job failed with `DeadlineExceeded` → `error` (also before its Pod ran);
 * 4. the image cannot be pulled, or the container cannot be created → `error` with the reason;
 * 5. the Job is gone → `error` (removed outside ContainerOps); the Job failed without a
 *    terminated container (Pod deleted or evicted) → `error` with the Job's message;
 * 6. the Pod is Pending (or not created yet) past `pendingTimeoutMs` → `error` with the
 *    scheduler's message when there is one;
 * 7. otherwise `pending` or `running`.
 */
export function jobState(facts: StateFacts): JobState {
  const { job, pod, stoppedByUs, now } = facts;
  const status = containerStatus(pod);
  const terminated = status?.state?.terminated;
  // Kubernetes 1.31+ marks FailureTarget first and Failed once the Pods are gone.
  const deadlineExceeded = ['Failed', 'FailureTarget'].some(
    (type) => trueCondition(job, type)?.reason === 'DeadlineExceeded',
  );
  if (terminated !== undefined) {
    const exit = terminatedExit(terminated, stoppedByUs);
    // A container killed because the Job controller deleted its Pod (the deadline) looks like
    // any non-zero exit until the Job says why, which can come a moment after the Pod's end:
    // only then wait for the Job's verdict. Other exits are final at once.
    if (
      !stoppedByUs &&
      exit.reason === 'exited' &&
      terminated.exitCode !== 0 &&
      pod?.metadata?.deletionTimestamp !== undefined &&
      job !== undefined &&
      !finished(job)
    )
      return { kind: 'running' };
    if (deadlineExceeded && exit.reason === 'exited' && terminated.exitCode !== 0)
      return { kind: 'done', exit: deadlineExit(job) };
    return { kind: 'done', exit };
  }
  if (stoppedByUs) {
    // Deleting the Job goes before its Pod's end: the job has ended when the Pod has, or is gone.
    if (pod === undefined) {
      return {
        kind: 'done',
        exit: { exitCode: null, reason: 'killed', message: 'stopped by ContainerOps' },
      };
    }
    return status?.state?.running !== undefined
      ? { kind: 'running' }
      : { kind: 'pending', since: time(pod.metadata?.creationTimestamp) ?? now };
  }
  if (deadlineExceeded) return { kind: 'done', exit: deadlineExit(job) };
  const image = imageProblem(pod);
  if (image !== undefined)
    return { kind: 'done', exit: { exitCode: null, reason: 'error', message: image } };
  const waiting = status?.state?.waiting;
  if (waiting?.reason !== undefined && CREATE_FAILURES.has(waiting.reason)) {
    return {
      kind: 'done',
      exit: {
        exitCode: null,
        reason: 'error',
        message: `the job's container cannot be created (${waiting.reason}): ${waiting.message ?? 'no details given'}`,
      },
    };
  }
  if (job === undefined) {
    return {
      kind: 'done',
      exit: {
        exitCode: null,
        reason: 'error',
        message:
          "the job's Kubernetes Job disappeared before the job ended (deleted outside ContainerOps?)",
      },
    };
  }
  const failed = trueCondition(job, 'Failed');
  if (failed !== undefined && (pod === undefined || pod.status?.phase === 'Failed')) {
    return {
      kind: 'done',
      exit: {
        exitCode: null,
        reason: 'error',
        message: `the Job failed before its container ran (${failed.reason ?? 'Failed'}): ${failed.message ?? pod?.status?.message ?? 'no details given'}`,
      },
    };
  }
  if (pod?.status?.phase === 'Running' || status?.state?.running !== undefined)
    return { kind: 'running' };
  const since =
    time(pod?.metadata?.creationTimestamp) ?? time(job.metadata?.creationTimestamp) ?? now;
  const scheduling = schedulingProblem(pod);
  if (!stoppedByUs && now - since >= facts.pendingTimeoutMs) {
    const why =
      scheduling !== undefined
        ? `the scheduler cannot place the job's Pod: ${scheduling}`
        : waiting?.reason !== undefined
          ? `the job's container is still waiting (${waiting.reason}): ${waiting.message ?? ''}`
          : pod === undefined
            ? 'the Job controller created no Pod for the job'
            : `the job's Pod is still ${pod.status?.phase ?? 'Pending'}`;
    return {
      kind: 'done',
      exit: {
        exitCode: null,
        reason: 'error',
        message: `${why} (Pending for more than ${Math.round(facts.pendingTimeoutMs / 1000)} s)`,
      },
    };
  }
  return { kind: 'pending', since, ...(scheduling === undefined ? {} : { detail: scheduling }) };
}

function deadlineExit(job: V1Job | undefined): JobExit {
  const seconds = job?.spec?.activeDeadlineSeconds;
  return {
    exitCode: null,
    reason: 'error',
    message: `deadline exceeded: the Job ran longer than its activeDeadlineSeconds${seconds === undefined ? '' : ` (${seconds} s)`} and Kubernetes stopped it`,
  };
}
