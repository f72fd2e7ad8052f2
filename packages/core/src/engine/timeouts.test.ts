import { describe, expect, it } from 'vitest';
import { StopScope, formatMs, sleep, stoppedStatus, timeoutCause } from './timeouts.js';

const cancel = { kind: 'cancel', reason: 'run cancelled' } as const;

describe('StopScope', () => {
  it('aborts children with the parent cause, first cause wins', () => {
    const root = new StopScope();
    const child = root.child();
    const grandchild = child.child();
    const seen: string[] = [];
    grandchild.onAbort((c) => seen.push(c.reason));
    root.abort(cancel);
    root.abort({ kind: 'cancel', reason: 'second' });
    expect(grandchild.cause()).toEqual(cancel);
    expect(seen).toEqual(['run cancelled']);
    expect(grandchild.signal.aborted).toBe(true);
    expect(grandchild.signal.reason).toEqual(cancel);
  });

  it('a child of an aborted scope starts aborted; onAbort then fires at once', () => {
    const root = new StopScope();
    root.abort(cancel);
    const child = root.child({ ms: 10, cause: timeoutCause('job', 's.a.j', 10) });
    expect(child.aborted).toBe(true);
    let fired = 0;
    child.onAbort(() => fired++);
    expect(fired).toBe(1);
  });

  it('its own deadline aborts it and its children, not its parent', async () => {
    const root = new StopScope();
    const stage = root.child({ ms: 20, cause: timeoutCause('stage', 'test', 20) });
    const job = stage.child();
    const signal = job.signal;
    await sleep(200, job);
    expect(job.cause()).toMatchObject({
      kind: 'timeout',
      scope: 'stage',
      path: 'test',
      reason: 'stage "test" timed out after 20ms',
    });
    expect(signal.aborted).toBe(true);
    expect(root.aborted).toBe(false);
  });

  it('dispose detaches from the parent and stops the timer', async () => {
    const root = new StopScope();
    const child = root.child({ ms: 10, cause: timeoutCause('job', 'x', 10) });
    child.dispose();
    root.abort(cancel);
    expect(child.aborted).toBe(false);
    await sleep(30, new StopScope());
    expect(child.aborted).toBe(false);
  });

  it('removing a listener and a throwing listener do not disturb the others', () => {
    const root = new StopScope();
    const child = root.child();
    const seen: string[] = [];
    const off = root.onAbort(() => seen.push('removed'));
    root.onAbort(() => {
      throw new Error('bad listener');
    });
    root.onAbort(() => seen.push('kept'));
    off();
    root.abort(cancel);
    expect(seen).toEqual(['kept']);
    expect(child.aborted).toBe(true);
  });
});

describe('sleep', () => {
  it('resolves true after the delay, false when the scope stops first', async () => {
    expect(await sleep(1, new StopScope())).toBe(true);
    const scope = new StopScope();
    const pending = sleep(10_000, scope);
    scope.abort(cancel);
    expect(await pending).toBe(false);
  });
});

describe('helpers', () => {
  it('maps causes to statuses and formats durations', () => {
    expect(stoppedStatus(cancel)).toBe('cancelled');
    expect(stoppedStatus(timeoutCause('run', '', 5))).toBe('timed_out');
    expect(timeoutCause('run', '', 1500).reason).toBe('run timed out after 1.5s');
    expect([formatMs(50), formatMs(2000), formatMs(120_000), formatMs(90_000)]).toEqual([
      '50ms',
      '2s',
      '2m',
      '90s',
    ]);
  });
});
