import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@containerops/core';
import { OrderedRelay } from './ordered-relay.js';

function event(seq: number, extra: Partial<EngineEvent> = {}): EngineEvent {
  return { seq, runId: 'r1', time: 0, scope: 'job', path: 's.a.j', status: 'running', ...extra };
}

function batch(from: number, to: number): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (let s = from; s <= to; s++) out.push(event(s));
  return out;
}

/** A store of the given seqs, a relay over it, and what the relay published (in order). */
function setUp(stored: number[], options: { afterSeq?: number; holeTimeoutMs?: number } = {}) {
  const store = stored.map((s) => event(s));
  const published: EngineEvent[] = [];
  const relay = new OrderedRelay({
    read: (afterSeq, limit) =>
      Promise.resolve(store.filter((e) => e.seq > afterSeq).slice(0, limit)),
    publish: (events) => published.push(...events),
    afterSeq: options.afterSeq ?? 0,
    gapWaitMs: 1,
    holeTimeoutMs: options.holeTimeoutMs ?? 60_000,
    sweepMs: 0,
    pageSize: 3,
  });
  return { store, published, relay, seqs: () => published.map((e) => e.seq) };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('OrderedRelay', () => {
  it('publishes batches that come in order at once', () => {
    const { relay, seqs } = setUp([]);
    relay.offer(batch(1, 3));
    relay.offer(batch(4, 4));
    expect(seqs()).toEqual([1, 2, 3, 4]);
    expect(relay.stats.storeReads).toBe(0);
    relay.close();
  });

  it('holds a batch ahead of a gap until the missing batch arrives', () => {
    const { relay, seqs } = setUp([]);
    relay.offer(batch(4, 5));
    expect(seqs()).toEqual([]);
    relay.offer(batch(1, 3));
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    relay.close();
  });

  it('fills a gap from the store when the missing batch does not come', async () => {
    const { relay, seqs } = setUp([1, 2, 3, 4, 5, 6, 7, 8]);
    relay.offer(batch(8, 8));
    await until(() => seqs().length === 8);
    await relay.settled();
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Once published from the store, the late batch is a duplicate.
    relay.offer(batch(2, 4));
    expect(seqs()).toHaveLength(8);
    // The held batch (8, read from the store meanwhile) and the late one (2..4).
    expect(relay.stats.duplicates).toBe(4);
    relay.close();
  });

  it('drops what it already published, also inside a batch', () => {
    const { relay, seqs } = setUp([], { afterSeq: 10 });
    relay.offer(batch(9, 12));
    relay.offer(batch(11, 13));
    expect(seqs()).toEqual([11, 12, 13]);
    expect(relay.stats.duplicates).toBe(4); // 9, 10, then 11, 12
    relay.close();
  });

  it('passes live-only events through as they come', () => {
    const { relay, published } = setUp([]);
    relay.offer(batch(3, 3)); // held: 1..2 missing
    relay.offer([event(2, { liveOnly: true, path: 's.a.j[i=1]' })]);
    expect(published.map((e) => e.path)).toEqual(['s.a.j[i=1]']);
    relay.close();
  });

  it('catches up from the store after a reconnect', async () => {
    const { relay, seqs } = setUp([1, 2, 3, 4, 5, 6, 7]);
    relay.catchUp();
    await until(() => seqs().length === 7);
    await relay.settled();
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    relay.close();
  });

  it('reads what another replica announced by its last seq only', async () => {
    const { relay, seqs } = setUp([1, 2, 3, 4, 5]);
    relay.committedThrough(0); // nothing new: no read
    expect(relay.stats.storeReads).toBe(0);
    relay.committedThrough(5);
    await until(() => seqs().length === 5);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    relay.close();
  });

  it('waits for a seq missing from the store while later ones are stored', async () => {
    const { relay, store, seqs } = setUp([1, 2, 4]);
    relay.catchUp();
    await until(() => seqs().length === 2);
    await relay.settled();
    expect(seqs()).toEqual([1, 2]); // 3 is not committed yet
    store.splice(2, 0, event(3));
    await until(() => seqs().length === 4);
    expect(seqs()).toEqual([1, 2, 3, 4]);
    relay.close();
  });

  it('skips a seq that never appears once the hole timeout passed', async () => {
    const { relay, seqs } = setUp([1, 2, 4, 5], { holeTimeoutMs: 0 });
    relay.catchUp();
    await until(() => seqs().length === 4);
    expect(seqs()).toEqual([1, 2, 4, 5]);
    expect(relay.stats.skipped).toBe(1);
    relay.close();
  });
});
