import { describe, expect, it } from 'vitest';
import { BackgroundRemovals } from './background-removals.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve: () => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('BackgroundRemovals', () => {
  it('runs one removal per id however often it is scheduled', async () => {
    const removals = new BackgroundRemovals();
    let calls = 0;
    const gate = deferred();
    const remove = async (): Promise<void> => {
      calls += 1;
      await gate.promise;
    };
    removals.schedule('c1', 'run', 'co-a', remove);
    removals.schedule('c1', 'run', 'co-a', remove);
    gate.resolve();
    await removals.settled('run');
    expect(calls).toBe(1);
  });

  it('settled() waits for the removals of that run only, and never rejects', async () => {
    const removals = new BackgroundRemovals();
    const mine = deferred();
    const other = deferred();
    removals.schedule('c1', 'run', 'co-a', () => mine.promise);
    removals.schedule('c2', 'other', 'co-b', () => other.promise);
    let settled = false;
    const waiting = removals.settled('run').then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    mine.reject(new Error('daemon said no'));
    await waiting;
    expect(settled).toBe(true); // `other` is still pending
    other.resolve();
    await removals.settled('other');
  });

  it('ofName() waits for a removal of that container name', async () => {
    const removals = new BackgroundRemovals();
    const gate = deferred();
    let done = false;
    removals.schedule('c1', 'run', 'co-a', async () => {
      await gate.promise;
      done = true;
    });
    await removals.ofName('co-other'); // nothing pending under that name: at once
    expect(done).toBe(false);
    gate.resolve();
    await removals.ofName('co-a');
    expect(done).toBe(true);
  });
});
