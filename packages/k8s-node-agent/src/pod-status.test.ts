import type { ContainerInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from './kube-types.js';
import { containerState, deadlineMessage, podPhase, podStatus } from './pod-status.js';

const zero = '0001-01-01T00:00:00Z';
const inspect = (state: Partial<ContainerInspectInfo['State']>): ContainerInspectInfo =>
  ({
    Id: 'abc',
    State: {
      Status: 'exited',
      Running: false,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 0,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-12-07T10:00:00Z',
      FinishedAt: '2026-12-07T10:00:05Z',
      ...state,
    },
  }) as ContainerInspectInfo;

const status = (
  name: string,
  state: ContainerStatus['state'],
  restartCount = 0,
): ContainerStatus => ({
  name,
  image: 'img',
  imageID: '',
  ready: 'running' in state,
  started: 'running' in state,
  restartCount,
  state,
});
const done = (exitCode: number): ContainerStatus['state'] => ({
  terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' },
});
const pod = (restartPolicy: Pod['spec']['restartPolicy']): Pod => ({
  metadata: { name: 'p', uid: 'u' },
  spec: { containers: [], restartPolicy },
  status: {
    conditions: [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-12-07T09:00:00Z' },
      { type: 'Ready', status: 'False', lastTransitionTime: '2026-12-07T09:00:01Z' },
    ],
  },
});

describe('containerState', () => {
  it('reports the kubelet reasons of terminated containers', () => {
    expect(containerState(inspect({ ExitCode: 0 }))).toMatchObject({
      terminated: { exitCode: 0, reason: 'Completed' },
    });
    expect(containerState(inspect({ ExitCode: 7 }))).toMatchObject({
      terminated: { exitCode: 7, reason: 'Error' },
    });
    expect(containerState(inspect({ ExitCode: 137, OOMKilled: true }))).toMatchObject({
      terminated: {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: '2026-12-07T10:00:00Z',
        finishedAt: '2026-12-07T10:00:05Z',
      },
    });
  });

  it('reports a container that could not start as StartError 128 with Docker’s message', () => {
    expect(
      containerState(inspect({ ExitCode: 127, StartedAt: zero, Error: 'exec: "nope": not found' })),
    ).toMatchObject({
      terminated: { exitCode: 128, reason: 'StartError', message: 'exec: "nope": not found' },
    });
  });

  it('reports running and created containers', () => {
    expect(containerState(inspect({ Running: true, Status: 'running' }))).toEqual({
      running: { startedAt: '2026-12-07T10:00:00Z' },
    });
    expect(containerState(inspect({ Status: 'created', StartedAt: zero }))).toEqual({
      waiting: { reason: 'ContainerCreating' },
    });
  });
});

describe('podPhase', () => {
  it('is Pending while a container never started', () => {
    expect(
      podPhase(pod('Never'), [
        status('a', { waiting: { reason: 'ErrImagePull' } }),
        status('b', done(0)),
      ]),
    ).toBe('Pending');
  });

  it('follows the restart policy once every container terminated', () => {
    expect(podPhase(pod('Never'), [status('a', done(0)), status('b', done(0))])).toBe('Succeeded');
    expect(podPhase(pod('Never'), [status('a', done(0)), status('b', done(7))])).toBe('Failed');
    expect(podPhase(pod('OnFailure'), [status('a', done(0))])).toBe('Succeeded');
    expect(podPhase(pod('OnFailure'), [status('a', done(1))])).toBe('Running');
    expect(podPhase(pod('Always'), [status('a', done(0))])).toBe('Running');
  });

  it('is Running while a container runs', () => {
    expect(
      podPhase(pod('Never'), [status('a', { running: { startedAt: 'x' } }), status('b', done(0))]),
    ).toBe('Running');
  });
});

describe('podStatus', () => {
  const facts = {
    startTime: '2026-12-07T09:59:00Z',
    deadlineExceeded: false,
    now: '2026-12-07T10:00:10Z',
  };

  it('keeps other writers’ conditions and unchanged transition times', () => {
    const written = podStatus(pod('Never'), [status('a', { running: { startedAt: 'x' } })], facts);
    expect(written.phase).toBe('Running');
    expect(written.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime).toBe(
      '2026-12-07T09:00:00Z',
    );
    expect(written.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: facts.now,
    });
    const failed = podStatus(pod('Never'), [status('a', done(1))], facts);
    expect(failed.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
      lastTransitionTime: '2026-12-07T09:00:01Z',
    });
  });

  it('marks a pod past its deadline Failed with DeadlineExceeded', () => {
    const written = podStatus(pod('Never'), [status('a', done(137))], {
      ...facts,
      deadlineExceeded: true,
    });
    expect(written).toMatchObject({
      phase: 'Failed',
      reason: 'DeadlineExceeded',
      message: deadlineMessage,
      startTime: facts.startTime,
    });
  });

  it('stays Pending, not Initialized, until every init container exited 0; a failed one fails the pod', () => {
    const waitingMain = [status('main', { waiting: { reason: 'PodInitializing' } })];
    const running = podStatus(pod('Never'), waitingMain, {
      ...facts,
      initContainers: [status('setup', { running: { startedAt: 'x' } })],
    });
    expect(running.phase).toBe('Pending');
    expect(running.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [setup]',
    });
    expect(running.initContainerStatuses).toHaveLength(1);
    const failed = podStatus(pod('Never'), waitingMain, {
      ...facts,
      initContainers: [status('setup', done(1))],
      initFailed: true,
    });
    expect(failed.phase).toBe('Failed');
    const done0 = podStatus(pod('Never'), [status('main', { running: { startedAt: 'x' } })], {
      ...facts,
      initContainers: [status('setup', done(0))],
    });
    expect(done0.phase).toBe('Running');
    expect(done0.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
  });
});
