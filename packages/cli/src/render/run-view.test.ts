import { describe, expect, it } from 'vitest';
import { ev, twoStageYaml, workflowOf } from '../../test/fixtures.js';
import { RunView } from './run-view.js';

describe('RunView', () => {
  it('knows the whole tree before any event', () => {
    const view = new RunView(workflowOf(twoStageYaml));
    expect(view.stages.map((s) => s.name)).toEqual(['start', 'build', 'check', 'end']);
    expect(view.jobs().map((j) => [j.path, j.status, j.maxAttempts])).toEqual([
      ['build.compile.version', 'pending', 1],
      ['build.compile.artifact', 'pending', 3],
      ['check.lint.words', 'pending', 1],
      ['check.test.content', 'pending', 1],
    ]);
  });

  it('tracks status, times, attempts and reasons from events', () => {
    const view = new RunView(workflowOf(twoStageYaml));
    view.apply(ev('run', '', 'running', 100));
    view.apply(ev('job', 'build.compile.artifact', 'running', 200, { attempt: 1 }));
    view.apply(
      ev('job', 'build.compile.artifact', 'failed', 300, { reason: 'exited with code 1' }),
    );
    const job = view.jobs()[1];
    expect(job).toMatchObject({
      status: 'failed',
      startedAt: 200,
      finishedAt: 300,
      reason: 'exited with code 1',
    });
    view.apply(ev('job', 'build.compile.artifact', 'running', 400, { attempt: 2 }));
    expect(job).toMatchObject({ status: 'running', attempt: 2, startedAt: 200 });
    expect(job?.finishedAt).toBeUndefined();
    expect(job?.reason).toBeUndefined();
    view.apply(ev('job', 'build.compile.artifact', 'cancelled', 500, { reason: 'run cancelled' }));
    expect(view.unsuccessfulJobs().map((j) => j.path)).toEqual(['build.compile.artifact']);
    expect(view.run).toMatchObject({ runId: 'r1', status: 'running', startedAt: 100 });
  });

  it('ignores events for unknown paths', () => {
    const view = new RunView(workflowOf(twoStageYaml));
    expect(view.apply(ev('job', 'nope.x.y', 'running', 1))).toBeUndefined();
  });
});
