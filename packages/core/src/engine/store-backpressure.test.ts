import { describe, expect, it } from 'vitest';
import { StoreBackpressure } from './store-backpressure.js';

/** An outbox whose `stored()` marks the test resolves by hand. */
function fakeOutbox() {
  const marks: (() => void)[] = [];
  return {
    marks,
    stored: () => new Promise<void>((resolve) => marks.push(resolve)),
  };
}

describe('StoreBackpressure', () => {
  it('never asks to wait within the first window, and takes a mark at each window', () => {
    const outbox = fakeOutbox();
    const pressure = new StoreBackpressure(outbox, 10);
    for (let i = 0; i < 9; i++) expect(pressure.wrote(1)).toBeUndefined();
    // The first mark: nothing earlier to wait for.
    expect(pressure.wrote(1)).toBeUndefined();
    expect(outbox.marks).toHaveLength(1);
    expect(pressure.wrote(5)).toBeUndefined();
    expect(outbox.marks).toHaveLength(1);
  });

  it('makes the reader wait for the mark of one window earlier, until the store reached it', async () => {
    const outbox = fakeOutbox();
    const pressure = new StoreBackpressure(outbox, 10);
    expect(pressure.wrote(10)).toBeUndefined(); // mark 1
    const wait = pressure.wrote(12); // mark 2: wait for mark 1
    expect(wait).toBeInstanceOf(Promise);
    let done = false;
    void wait?.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);
    outbox.marks[0]?.();
    await wait;
    expect(done).toBe(true);
    expect(outbox.marks).toHaveLength(2);
  });
});
