import { describe, expect, it } from 'vitest';
import { ErrorCode, UserError } from '../errors.js';
import { planRerun } from './rerun.js';
import { createRunSnapshot } from './run-state.js';
import type { RunSnapshot } from './snapshot.js';
import type { NodeStatus } from './status.js';
import { action, job, stage, workflow } from './testdata/workflows.js';

const wf = workflow([
  stage(
    'build',
    [action('a', [job('j1'), job('j2'), job('j3')]), action('b', [job('k1'), job('k2')])],
    { sequencing: 'parallel' },
  ),
  stage('test', [action('t', [job('t1')])]),
]);

function oldRun(
  statuses: Record<string, NodeStatus>,
  extra: Partial<RunSnapshot> = {},
): RunSnapshot {
  const s = createRunSnapshot({
    runId: 'old',
    workflow: wf,
    createdAt: 1,
    keepWorkspace: true,
    workspaceRunId: 'older',
  });
  s.status = 'failed';
  for (const st of s.stages) {
    for (const a of st.actions) {
      for (const j of a.jobs) {
        j.status = statuses[j.path] ?? 'skipped';
        j.outputs = { OUT: j.path };
        if (j.status === 'skipped' && j.path.endsWith('inactive')) j.reason = 'inactive';
      }
    }
  }
  return { ...s, ...extra };
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe(ErrorCode.rerunNotPossible);
    return (error as UserError).message;
  }
  throw new Error('expected a refusal');
}

describe('planRerun', () => {
  it('keeps, per action, the succeeded jobs before the first one that did not succeed', () => {
    const plan = planRerun(
      oldRun({
        'build.a.j1': 'succeeded',
        'build.a.j2': 'failed',
        'build.a.j3': 'succeeded',
        'build.b.k1': 'succeeded',
        'build.b.k2': 'cancelled',
      }),
      wf,
    );
    expect([...plan.reused.keys()]).toEqual(['build.a.j1', 'build.b.k1']);
    expect(plan.reused.get('build.a.j1')).toEqual({
      outputs: { OUT: 'build.a.j1' },
      fromRunId: 'old',
    });
    expect(plan.workspaceRunId).toBe('older');
  });

  it('refuses runs that cannot be re-run from a failed job, saying why', () => {
    expect(refusal(() => planRerun(oldRun({}, { status: 'running' }), wf))).toMatch(
      /still running/,
    );
    expect(refusal(() => planRerun(oldRun({}, { status: 'succeeded' }), wf))).toMatch(
      /succeeded; start a plain re-run/,
    );
    expect(refusal(() => planRerun(oldRun({}, { keepWorkspace: false }), wf))).toMatch(
      /workspace was not kept/,
    );
    expect(refusal(() => planRerun(oldRun({}), { ...wf, uri: 'other/flow/x' }))).toMatch(
      /ran workflow test\/unit\/flow/,
    );
  });
});
