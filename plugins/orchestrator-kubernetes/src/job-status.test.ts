import { describe, expect, it } from 'vitest';
import type { V1ContainerState, V1Job, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { jobState } from './job-status.js';
import type { StateFacts } from './job-status.js';

const T0 = Date.parse('2026-12-07T12:00:00Z');

function job(conditions: { type: string; reason?: string; message?: string }[] = []): V1Job {
  return {
    metadata: { name: 'j1', creationTimestamp: new Date(T0) },
    spec: { activeDeadlineSeconds: 31, template: {} },
    status: { conditions: conditions.map((c) => ({ status: 'True', ...c })) },
  };
}

function pod(
  state?: V1ContainerState,
  extra: { phase?: string; conditions?: V1PodCondition[] } = {},
): V1Pod {
  return {
    metadata: { name: 'j1-abcde', uid: 'u1', creationTimestamp: new Date(T0) },
    spec: { containers: [{ name: 'job', image: 'acme/missing:1' }] },
    status: {
      phase: extra.phase ?? 'Pending',
      ...(extra.conditions === undefined ? {} : { conditions: extra.conditions }),
      ...(state === undefined
        ? {}
        : {
            containerStatuses: [
              { name: 'job', state, image: '', imageID: '', ready: false, restartCount: 0 },
            ],
          }),
    },
  };
}

const facts = (f: Partial<StateFacts>): StateFacts => ({
  stoppedByUs: false,
  now: T0 + 1_000,
  pendingTimeoutMs: 60_000,
  ...f,
});

describe('jobState', () => {
  it('exited with the exit code and the termination message as the output file', () => {
    const done = pod(
      { terminated: { exitCode: 0, reason: 'Completed', message: 'A=1\n' } },
      { phase: 'Succeeded' },
    );
    expect(jobState(facts({ job: job([{ type: 'Complete' }]), pod: done }))).toEqual({
      kind: 'done',
      exit: { exitCode: 0, reason: 'exited', outputFile: 'A=1\n' },
    });
    const failed = pod({ terminated: { exitCode: 42, reason: 'Error' } }, { phase: 'Failed' });
    expect(
      jobState(
        facts({ job: job([{ type: 'Failed', reason: 'BackoffLimitExceeded' }]), pod: failed }),
      ),
    ).toEqual({
      kind: 'done',
      exit: { exitCode: 42, reason: 'exited' },
    });
  });

  it('oom for OOMKilled, without an exit code', () => {
    const state = jobState(
      facts({ job: job(), pod: pod({ terminated: { exitCode: 137, reason: 'OOMKilled' } }) }),
    );
    expect(state).toMatchObject({ kind: 'done', exit: { exitCode: null, reason: 'oom' } });
  });

  it('killed when stopped by us: after the container ended, or once the Pod is gone', () => {
    const ended = jobState(
      facts({ stoppedByUs: true, pod: pod({ terminated: { exitCode: 143, reason: 'Error' } }) }),
    );
    expect(ended).toMatchObject({ kind: 'done', exit: { exitCode: null, reason: 'killed' } });
    const own = jobState(
      facts({ stoppedByUs: true, pod: pod({ terminated: { exitCode: 3, reason: 'Error' } }) }),
    );
    expect(own).toMatchObject({ exit: { exitCode: 3, reason: 'killed' } });
    expect(jobState(facts({ stoppedByUs: true }))).toMatchObject({ exit: { reason: 'killed' } });
    // The Job is deleted first; its Pod still runs out its grace period: not ended yet.
    expect(
      jobState(facts({ stoppedByUs: true, pod: pod({ running: {} }, { phase: 'Running' }) })),
    ).toEqual({
      kind: 'running',
    });
  });

  it('error "deadline exceeded" when the Job failed with DeadlineExceeded, ran or not', () => {
    const deadline = job([
      {
        type: 'Failed',
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      },
    ]);
    const killed = pod({ terminated: { exitCode: 137, reason: 'Error' } }, { phase: 'Failed' });
    for (const p of [killed, undefined]) {
      expect(jobState(facts({ job: deadline, ...(p ? { pod: p } : {}) }))).toMatchObject({
        kind: 'done',
        exit: {
          exitCode: null,
          reason: 'error',
          message: expect.stringMatching(/^deadline exceeded: .*\(31 s\)/) as string,
        },
      });
    }
  });

  it('error for an image that cannot be pulled, naming the image and the reason', () => {
    for (const reason of ['ErrImagePull', 'ImagePullBackOff']) {
      const state = jobState(
        facts({ job: job(), pod: pod({ waiting: { reason, message: 'pull access denied' } }) }),
      );
      expect(state).toEqual({
        kind: 'done',
        exit: {
          exitCode: null,
          reason: 'error',
          message: `image acme/missing:1 cannot be pulled (${reason}): pull access denied`,
        },
      });
    }
  });

  it('error for a container Kubernetes cannot create', () => {
    const state = jobState(
      facts({
        job: job(),
        pod: pod({
          waiting: { reason: 'CreateContainerConfigError', message: 'secret "x" not found' },
        }),
      }),
    );
    expect(state).toMatchObject({
      exit: { reason: 'error', message: expect.stringContaining('secret "x" not found') as string },
    });
  });

  it("pending until the limit, then error with the scheduler's message", () => {
    const unschedulable = pod(undefined, {
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
        },
      ],
    });
    expect(jobState(facts({ job: job(), pod: unschedulable }))).toMatchObject({
      kind: 'pending',
      since: T0,
      detail: expect.stringContaining('0/1 nodes are available') as string,
    });
    expect(jobState(facts({ job: job(), pod: unschedulable, now: T0 + 60_000 }))).toEqual({
      kind: 'done',
      exit: {
        exitCode: null,
        reason: 'error',
        message:
          "the scheduler cannot place the job's Pod: Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. (Pending for more than 60 s)",
      },
    });
    // No Pod at all (quota, admission) also ends at the limit, saying so.
    expect(jobState(facts({ job: job(), now: T0 + 60_000 }))).toMatchObject({
      exit: { message: expect.stringMatching(/^the Job controller created no Pod/) as string },
    });
  });

  it('running while the container runs; error when the Job disappears under a running job', () => {
    const running = pod({ running: { startedAt: new Date(T0) } }, { phase: 'Running' });
    expect(jobState(facts({ job: job(), pod: running, now: T0 + 10 * 60_000 }))).toEqual({
      kind: 'running',
    });
    expect(jobState(facts({ pod: running }))).toMatchObject({
      exit: {
        reason: 'error',
        message: expect.stringMatching(/disappeared before the job ended/) as string,
      },
    });
  });

  it('error when the Job failed without a container ending (Pod evicted or deleted)', () => {
    const evicted = pod(undefined, { phase: 'Failed' });
    expect(
      jobState(
        facts({
          job: job([{ type: 'Failed', reason: 'PodFailurePolicy', message: 'evicted' }]),
          pod: evicted,
        }),
      ),
    ).toMatchObject({
      exit: {
        exitCode: null,
        reason: 'error',
        message: expect.stringContaining('(PodFailurePolicy): evicted') as string,
      },
    });
  });
});
