import { describe, expect, it } from 'vitest';
import { parseTask } from './swarm-types.js';
import type { SwarmTask } from './swarm-types.js';
import { CONTAINER_REMOVED, exitFromTask, pendingProblem } from './task-exit.js';

const task = (overrides: Partial<SwarmTask> = {}): SwarmTask => ({
  id: 't1',
  serviceId: 's1',
  nodeId: 'n1',
  state: 'complete',
  desiredState: 'complete',
  containerId: 'c1',
  exitCode: 0,
  version: 1,
  createdAt: '',
  ...overrides,
});

describe('exitFromTask', () => {
  it('complete -> exited 0; failed with a non-zero exit -> exited with the code', () => {
    expect(exitFromTask({ task: task(), stoppedByUs: false })).toEqual({
      exitCode: 0,
      reason: 'exited',
    });
    const failed = task({ state: 'failed', err: 'task: non-zero exit (42)', exitCode: 42 });
    expect(exitFromTask({ task: failed, stoppedByUs: false })).toEqual({
      exitCode: 42,
      reason: 'exited',
    });
  });

  it('a container removed outside ContainerOps -> error "removed", not the 137 of its kill', () => {
    const killed = task({ state: 'failed', err: 'task: non-zero exit (137)', exitCode: 137 });
    expect(
      exitFromTask({
        task: killed,
        stoppedByUs: false,
        container: { oomKilled: false, removed: true },
      }),
    ).toEqual({ exitCode: null, reason: 'error', message: CONTAINER_REMOVED });
    expect(
      exitFromTask({
        task: killed,
        stoppedByUs: true,
        container: { oomKilled: false, removed: true },
      }).reason,
    ).toBe('killed');
  });

  it('an OOM-killed container -> oom without exit code', () => {
    const failed = task({ state: 'failed', err: 'task: non-zero exit (137)', exitCode: 137 });
    const exit = exitFromTask({
      task: failed,
      stoppedByUs: false,
      container: { oomKilled: true, exitCode: 137 },
    });
    expect(exit).toMatchObject({ exitCode: null, reason: 'oom' });
  });

  it('stopped by us -> killed; the code only when the job exited by itself', () => {
    const bySignal = task({ state: 'failed', err: 'task: non-zero exit (143)', exitCode: 143 });
    expect(exitFromTask({ task: bySignal, stoppedByUs: true })).toMatchObject({
      exitCode: null,
      reason: 'killed',
    });
    const byItself = task({ state: 'failed', err: 'task: non-zero exit (3)', exitCode: 3 });
    expect(exitFromTask({ task: byItself, stoppedByUs: true })).toMatchObject({
      exitCode: 3,
      reason: 'killed',
    });
    expect(exitFromTask({ stoppedByUs: true })).toMatchObject({ exitCode: null, reason: 'killed' });
  });

  it("rejected, failed before the start, orphaned or removed -> error with Swarm's reason", () => {
    const rejected = task({
      state: 'rejected',
      err: 'No such image: x:1',
      containerId: undefined,
      exitCode: undefined,
    });
    expect(exitFromTask({ task: rejected, stoppedByUs: false })).toEqual({
      exitCode: null,
      reason: 'error',
      message: 'swarm rejected the job: No such image: x:1',
    });
    const notStarted = task({
      state: 'failed',
      err: 'starting container failed: exec: "nope": not found',
      exitCode: 127,
    });
    expect(exitFromTask({ task: notStarted, stoppedByUs: false })).toMatchObject({
      exitCode: null,
      reason: 'error',
      message: expect.stringContaining('starting container failed') as string,
    });
    expect(exitFromTask({ task: task({ state: 'orphaned' }), stoppedByUs: false }).reason).toBe(
      'error',
    );
    expect(exitFromTask({ stoppedByUs: false })).toMatchObject({
      reason: 'error',
      message: expect.stringContaining('disappeared') as string,
    });
  });
});

describe('pendingProblem', () => {
  const pending = (err?: string): SwarmTask =>
    task({ state: 'pending', ...(err === undefined ? {} : { err }), containerId: undefined });

  it('waits while nodes are only busy', () => {
    expect(
      pendingProblem(
        pending('no suitable node (insufficient resources on 1 node)'),
        undefined,
        60_000,
        1_000,
      ),
    ).toBeUndefined();
    expect(pendingProblem(pending(), undefined, 60_000, 1_000)).toBeUndefined();
  });

  it('fails at once when the reservation fits no node at all', () => {
    const problem = pendingProblem(
      pending('no suitable node (insufficient resources on 1 node)'),
      'the largest node has 2 CPU',
      0,
      30_000,
    );
    expect(problem).toBe(
      'swarm cannot schedule the job: no suitable node (insufficient resources on 1 node); the largest node has 2 CPU',
    );
  });

  it('fails other placement errors after the grace period', () => {
    const constrained = pending(
      'no suitable node (scheduling constraints not satisfied on 1 node)',
    );
    expect(pendingProblem(constrained, undefined, 500, 1_000)).toBeUndefined();
    expect(pendingProblem(constrained, undefined, 1_000, 1_000)).toContain(
      'scheduling constraints not satisfied',
    );
  });
});

describe('parseTask', () => {
  it('reads the fields of GET /tasks', () => {
    const raw = {
      ID: 'wp9',
      Version: { Index: 19 },
      CreatedAt: '2026-01-01T00:00:00Z',
      ServiceID: 's',
      NodeID: 'n',
      DesiredState: 'shutdown',
      Status: {
        State: 'failed',
        Message: 'started',
        Err: 'task: non-zero exit (3)',
        ContainerStatus: { ContainerID: 'c', PID: 0, ExitCode: 3 },
      },
    };
    expect(parseTask(raw)).toEqual({
      id: 'wp9',
      serviceId: 's',
      nodeId: 'n',
      state: 'failed',
      desiredState: 'shutdown',
      err: 'task: non-zero exit (3)',
      message: 'started',
      containerId: 'c',
      exitCode: 3,
      version: 19,
      createdAt: '2026-01-01T00:00:00Z',
    });
    expect(parseTask({}).state).toBe('new');
  });
});
