import { describe, expect, it } from 'vitest';
import { ev, workflowOf } from '../../test/fixtures.js';
import { FAILED_NAMES_SHOWN, FanOutView } from './fan-out-view.js';
import { RunView } from './run-view.js';

const matrixYaml = `uri: acme/demo/fan
stages:
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: shard
            command: run-tests
            retries: 1
            matrix:
              axes:
                db: [mysql8.0, tidb]
                n: [1, 2, 3]
`;

describe('FanOutView', () => {
  it('counts instances as they start and end; pending once the total is known', () => {
    const fan = new FanOutView(1);
    expect(fan.pending).toBeUndefined();
    fan.total = 4;
    fan.apply('t[0]', 'pending');
    fan.apply('t[0]', 'running', 1);
    fan.apply('t[1]', 'running', 1);
    expect([fan.started, fan.runningCount, fan.pending]).toEqual([2, 2, 2]);
    fan.apply('t[0]', 'succeeded', 1);
    fan.apply('t[1]', 'timed_out', 1, 'timed out after 1s');
    expect([fan.passed, fan.failed, fan.runningCount]).toEqual([1, 1, 0]);
    expect(fan.failedNames).toEqual([
      { name: 't[1]', status: 'timed_out', reason: 'timed out after 1s' },
    ]);
    // Fail-fast stopped the rest: once the fan-out ended they are skipped, not pending.
    fan.end(4);
    expect([fan.skipped, fan.pending]).toEqual([2, 0]);
  });

  it('names the first failures only and counts the rest', () => {
    const fan = new FanOutView(1);
    for (let i = 0; i < FAILED_NAMES_SHOWN + 7; i++) {
      fan.apply(`t[${i}]`, 'running', 1);
      fan.apply(`t[${i}]`, 'failed', 1, 'exited with code 1');
    }
    expect(fan.failed).toBe(FAILED_NAMES_SHOWN + 7);
    expect(fan.failedNames.map((f) => f.name)).toEqual(
      Array.from({ length: FAILED_NAMES_SHOWN }, (_, i) => `t[${i}]`),
    );
    expect(fan.moreFailed).toBe(7);
  });

  it('undoes a failure that a retry follows', () => {
    const fan = new FanOutView(2);
    fan.apply('t[0]', 'running', 1);
    fan.apply('t[0]', 'failed', 1, 'exited with code 1');
    expect(fan.failed).toBe(1);
    fan.apply('t[0]', 'running', 2);
    expect([fan.failed, fan.failedNames.length, fan.runningCount, fan.started]).toEqual([
      0, 0, 1, 1,
    ]);
    fan.apply('t[0]', 'succeeded', 2);
    expect([fan.passed, fan.failed]).toEqual([1, 0]);
  });
});

describe('RunView with a fan-out', () => {
  it('counts instance events on their job (axis values with dots too), no node per instance', () => {
    const view = new RunView(workflowOf(matrixYaml), () => 6);
    const job = view.jobs()[0];
    expect(job?.fanOut).toBeDefined();
    view.apply(ev('job', 'test.unit.shard', 'running', 1, { attempt: 1 }));
    const returned = view.apply(
      ev('job', 'test.unit.shard[db=mysql8.0,n=1]', 'running', 2, { attempt: 1 }),
    );
    expect(returned).toBe(job);
    view.apply(ev('job', 'test.unit.shard[db=mysql8.0,n=1]', 'succeeded', 3, { attempt: 1 }));
    view.apply(ev('job', 'test.unit.shard[db=tidb,n=2]', 'running', 3, { attempt: 1 }));
    expect(view.jobs()).toHaveLength(1);
    expect(job?.fanOut).toMatchObject({ total: 6, started: 2, passed: 1, runningCount: 1 });
    expect(job?.fanOut?.pending).toBe(4);
    expect(view.apply(ev('job', 'test.unit.other[x=1]', 'running', 4))).toBeUndefined();
  });

  it("takes the total from the job's fan-out.total output when nothing else says it", () => {
    const view = new RunView(workflowOf(matrixYaml));
    view.apply(ev('job', 'test.unit.shard[db=tidb,n=3]', 'running', 1, { attempt: 1 }));
    expect(view.jobs()[0]?.fanOut?.total).toBeUndefined();
    view.apply(ev('job', 'test.unit.shard[db=tidb,n=3]', 'succeeded', 2, { attempt: 1 }));
    view.apply(ev('job', 'test.unit.shard', 'succeeded', 3, { outputs: { 'fan-out.total': '6' } }));
    expect(view.jobs()[0]?.fanOut?.total).toBe(6);
    expect(view.fanOuts().get('test.unit.shard')).toBe(view.jobs()[0]?.fanOut);
  });
});

describe('FanOutView and progress events', () => {
  const progress = (over: Partial<Parameters<FanOutView['progress']>[0]> = {}) => ({
    total: 10,
    started: 4,
    passed: 2,
    failed: 1,
    skipped: 0,
    ended: [
      { name: 't[0]', status: 'succeeded' as const, attempt: 1 },
      { name: 't[1]', status: 'succeeded' as const, attempt: 1 },
      { name: 't[2]', status: 'failed' as const, attempt: 1, reason: 'exit 1' },
    ],
    active: [{ name: 't[3]', status: 'running' as const, attempt: 1 }],
    ...over,
  });

  it('a view that joins late takes the counts and failures from the progress event', () => {
    const fan = new FanOutView(1);
    fan.progress(progress());
    expect([fan.started, fan.passed, fan.failed, fan.runningCount, fan.pending]).toEqual([
      4, 2, 1, 1, 6,
    ]);
    expect(fan.failedNames).toEqual([{ name: 't[2]', status: 'failed', reason: 'exit 1' }]);
    // Live instance events after it go on from there.
    fan.apply('t[3]', 'succeeded', 1);
    fan.apply('t[4]', 'running', 1);
    expect([fan.started, fan.passed, fan.runningCount]).toEqual([5, 3, 1]);
  });

  it('converges with the live events it already had: no instance counted twice', () => {
    const fan = new FanOutView(1);
    for (const n of [0, 1, 2, 3]) fan.apply(`t[${n}]`, 'running', 1);
    fan.apply('t[0]', 'succeeded', 1);
    fan.apply('t[1]', 'succeeded', 1);
    fan.apply('t[2]', 'failed', 1, 'exit 1');
    fan.progress(progress());
    expect([fan.started, fan.passed, fan.failed, fan.runningCount]).toEqual([4, 2, 1, 1]);
    expect(fan.failedNames).toHaveLength(1);
    expect(fan.moreFailed).toBe(0);
  });
});
