import { describe, expect, it } from 'vitest';
import { UnexpectedError } from '../errors.js';
import type { NewEngineEvent } from './events.js';
import { createRunSnapshot, RunState } from './run-state.js';
import { nodeTransitions, runTransitions } from './status.js';
import type { NodeStatus, RunStatus } from './status.js';
import { action, job, stage, workflow } from './testdata/workflows.js';

function setup() {
  const wf = workflow([
    stage('start', [], { type: 'start' }),
    stage('build', [action('compile', [job('go'), job('lint')]), action('pack', [job('tar')])]),
  ]);
  const events: NewEngineEvent[] = [];
  let now = 100;
  const state = new RunState(
    createRunSnapshot({ runId: 'r1', workflow: wf, createdAt: 50 }),
    (e) => events.push(e),
    () => ++now,
  );
  return { state, events };
}

describe('createRunSnapshot', () => {
  it('starts queued with every node pending and paths filled in', () => {
    const { state } = setup();
    const s = state.snapshot;
    expect(s).toMatchObject({
      runId: 'r1',
      workflow: 'test/unit/flow',
      workflowVersion: 1,
      status: 'queued',
      createdAt: 50,
      lastSeq: 0,
    });
    expect(s.stages.map((x) => [x.name, x.type, x.status])).toEqual([
      ['start', 'start', 'pending'],
      ['build', 'normal', 'pending'],
    ]);
    expect(state.action('build.pack').jobs[0]).toMatchObject({
      path: 'build.pack.tar',
      status: 'pending',
      attempt: 0,
      outputs: {},
    });
  });
});

describe('RunState', () => {
  it('emits one event per change with scope, path and details, and keeps times', () => {
    const { state, events } = setup();
    state.announce({ workflow: 'test/unit/flow' });
    state.setRun('running');
    state.setStage('build', 'running');
    state.setAction('build.compile', 'running');
    state.setJob('build.compile.go', 'running', { attempt: 1 });
    state.setJob('build.compile.go', 'succeeded', { exitCode: 0, outputs: { K: 'v' } });
    expect(events.map((e) => [e.scope, e.path, e.status, e.attempt])).toEqual([
      ['run', '', 'queued', undefined],
      ['run', '', 'running', undefined],
      ['stage', 'build', 'running', undefined],
      ['action', 'build.compile', 'running', undefined],
      ['job', 'build.compile.go', 'running', 1],
      ['job', 'build.compile.go', 'succeeded', 1],
    ]);
    expect(events[5]).toMatchObject({ exitCode: 0, outputs: { K: 'v' }, runId: 'r1' });
    const go = state.job('build.compile.go');
    expect(go).toMatchObject({ status: 'succeeded', attempt: 1, exitCode: 0, outputs: { K: 'v' } });
    expect(go.startedAt).toBeLessThan(go.finishedAt ?? 0);
    expect(state.snapshot.startedAt).toBeDefined();
  });

  it('allows a retried job to go running -> waiting -> running with a new attempt', () => {
    const { state, events } = setup();
    state.setJob('build.compile.go', 'running', { attempt: 1 });
    state.setJob('build.compile.go', 'waiting', { reason: 'attempt 1 failed; retrying' });
    state.setJob('build.compile.go', 'running', { attempt: 2 });
    expect(state.job('build.compile.go').reason).toBeUndefined();
    state.setJob('build.compile.go', 'failed', { reason: 'exited with code 1' });
    expect(events.map((e) => `${e.status}#${e.attempt}`)).toEqual([
      'running#1',
      'waiting#1',
      'running#2',
      'failed#2',
    ]);
  });

  it('refuses every transition the tables do not allow', () => {
    const all: NodeStatus[] = [
      'pending',
      'running',
      'waiting',
      'succeeded',
      'failed',
      'timed_out',
      'cancelled',
      'skipped',
    ];
    for (const from of all) {
      for (const to of all) {
        const { state } = setup();
        const path = 'build.compile.go';
        // Reach `from` by a legal path first.
        const route: Partial<Record<NodeStatus, NodeStatus[]>> = {
          pending: [],
          waiting: ['waiting'],
          running: ['running'],
        };
        for (const step of route[from] ?? [from]) state.setJob(path, step);
        const allowed = nodeTransitions[from].includes(to);
        const attempt = (): void => state.setJob(path, to);
        if (allowed) expect(attempt, `${from} -> ${to}`).not.toThrow();
        else expect(attempt, `${from} -> ${to}`).toThrow(UnexpectedError);
      }
    }
    const runs: RunStatus[] = [
      'queued',
      'running',
      'waiting',
      'succeeded',
      'failed',
      'timed_out',
      'cancelled',
    ];
    for (const to of runs) {
      const { state } = setup();
      if (runTransitions.queued.includes(to)) expect(() => state.setRun(to)).not.toThrow();
      else expect(() => state.setRun(to)).toThrow(/cannot go from queued to/);
    }
  });

  it('skips a stage subtree, leaving finished nodes alone', () => {
    const { state, events } = setup();
    state.setStage('build', 'running');
    state.setAction('build.compile', 'running');
    state.setJob('build.compile.go', 'running', { attempt: 1 });
    state.setJob('build.compile.go', 'failed');
    state.skipStage('build', 'not run');
    expect(state.job('build.compile.lint').status).toBe('skipped');
    expect(state.action('build.pack').status).toBe('skipped');
    expect(state.job('build.pack.tar')).toMatchObject({ status: 'skipped', reason: 'not run' });
    expect(state.stage('build').status).toBe('running');
    expect(state.job('build.compile.go').status).toBe('failed');
    expect(events.filter((e) => e.status === 'skipped')).toHaveLength(3);
  });

  it('forceEnd ends everything that is not terminal, so no run stays running', () => {
    const { state } = setup();
    state.setRun('running');
    state.setStage('build', 'running');
    state.setAction('build.compile', 'running');
    state.setJob('build.compile.go', 'running', { attempt: 1 });
    state.forceEnd('failed', 'internal error: boom');
    expect(state.snapshot).toMatchObject({ status: 'failed', reason: 'internal error: boom' });
    expect(state.job('build.compile.go').status).toBe('failed');
    expect(state.job('build.compile.lint').status).toBe('skipped');
    expect(state.stage('start').status).toBe('skipped');
    expect(() => state.job('nope')).toThrow(/no job "nope"/);
  });
});
