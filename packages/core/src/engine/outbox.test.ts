import { describe, expect, it } from 'vitest';
import { MemoryLogSink } from '../stores/memory-log-sink.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import type { EngineEvent, JobLogLine, NewEngineEvent } from './events.js';
import { Outbox } from './outbox.js';
import type { RunStore } from './store.js';

const ev = (path: string): NewEngineEvent => ({
  runId: 'r',
  time: 1,
  scope: 'job',
  path,
  status: 'running',
});
const line = (seq: number): JobLogLine => ({
  runId: 'r',
  jobPath: 's.a.j',
  attempt: 1,
  seq,
  stream: 'stdout',
  text: `l${seq}`,
  time: 1,
});

class CountingStore extends MemoryRunStore {
  calls = 0;
  failures = 0;
  override appendEvents(events: readonly NewEngineEvent[]): Promise<readonly EngineEvent[]> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('db down'));
    }
    return super.appendEvents(events);
  }
}

describe('Outbox', () => {
  it('delivers events and lines in the order queued, events numbered by the store, in batches', async () => {
    const store = new CountingStore();
    const logs = new MemoryLogSink();
    const appended: number[] = [];
    const outbox = new Outbox({
      store,
      logs,
      onAppended: (es) => appended.push(...es.map((e) => e.seq)),
    });
    const seen: string[] = [];
    outbox.observe({
      onEvent: (e) => seen.push(`e${e.seq}:${e.path}`),
      onLog: (l) => seen.push(l.text),
    });
    outbox.emit(ev('x'));
    for (let i = 1; i <= 3; i++) outbox.log(line(i));
    outbox.emit(ev('y'));
    await outbox.flushed();
    outbox.log(line(4));
    outbox.emit(ev('z'));
    await outbox.flushed();
    expect(seen).toEqual(['e1:x', 'l1', 'l2', 'l3', 'e2:y', 'l4', 'e3:z']);
    expect(appended).toEqual([1, 2, 3]);
    expect(store.calls).toBe(2);
    expect((await logs.read({ runId: 'r', jobPath: 's.a.j' })).map((l) => l.seq)).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it('flushed() resolves at once when idle, and only for what was queued before', async () => {
    const outbox = new Outbox({ store: new MemoryRunStore(), logs: new MemoryLogSink() });
    await outbox.flushed();
    const seen: string[] = [];
    outbox.observe({ onEvent: (e) => seen.push(e.path) });
    outbox.emit(ev('a'));
    const first = outbox.flushed().then(() => [...seen]);
    outbox.emit(ev('b'));
    expect(await first).toContain('a');
    await outbox.flushed();
    expect(seen).toEqual(['a', 'b']);
  });

  it('flushes on the next event-loop turn, or at once for a caller of flushed()', async () => {
    const store = new CountingStore();
    const outbox = new Outbox({ store, logs: new MemoryLogSink() });
    outbox.emit(ev('a'));
    outbox.emit(ev('b'));
    await Promise.resolve();
    // The emitter's own next steps (the next job's start) go before any store work...
    expect(store.calls).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    // ...which then takes everything queued in one batch.
    expect(store.calls).toBe(1);
    outbox.emit(ev('c'));
    const stored = outbox.flushed();
    expect(store.calls).toBe(2);
    await stored;
    expect((await store.readEvents({})).map((e) => e.path)).toEqual(['a', 'b', 'c']);
  });

  it('stored() waits for what was queued before it, without starting the flush early', async () => {
    const store = new CountingStore();
    const outbox = new Outbox({ store, logs: new MemoryLogSink() });
    await outbox.stored(); // idle: at once
    outbox.emit(ev('a'));
    let done = false;
    const stored = outbox.stored().then(() => {
      done = true;
    });
    outbox.emit(ev('b'));
    await Promise.resolve();
    expect(store.calls).toBe(0);
    expect(done).toBe(false);
    await stored;
    expect(store.calls).toBe(1);
    expect((await store.readEvents({})).map((e) => e.path)).toEqual(['a', 'b']);
  });

  it('an observer that throws or unsubscribes does not disturb the others', async () => {
    const outbox = new Outbox({ store: new MemoryRunStore(), logs: new MemoryLogSink() });
    const seen: string[] = [];
    outbox.observe({
      onEvent: () => {
        throw new Error('observer bug');
      },
    });
    const off = outbox.observe({ onEvent: (e) => seen.push(`gone:${e.path}`) });
    outbox.observe({ onEvent: (e) => seen.push(e.path) });
    off();
    outbox.emit(ev('a'));
    await outbox.flushed();
    expect(seen).toEqual(['a']);
  });

  it('retries a failing store append, then gives the batch up and carries on', async () => {
    const store = new CountingStore();
    store.failures = 1;
    const outbox = new Outbox({ store, logs: new MemoryLogSink(), retryDelaysMs: [1] });
    const seen: number[] = [];
    outbox.observe({ onEvent: (e) => seen.push(e.seq) });
    outbox.emit(ev('a'));
    await outbox.flushed();
    expect(seen).toEqual([1]);
    expect(store.calls).toBe(2);

    const broken: RunStore = {
      ...new MemoryRunStore(),
      appendEvents: () => Promise.reject(new Error('gone')),
      readEvents: () => Promise.resolve([]),
      saveRun: () => Promise.resolve(),
      getRun: () => Promise.resolve(undefined),
      saveRunRequest: () => Promise.resolve(),
      getRunRequest: () => Promise.resolve(undefined),
      listUnfinishedRuns: () => Promise.resolve([]),
    };
    const lossy = new Outbox({ store: broken, logs: new MemoryLogSink(), retryDelaysMs: [1, 1] });
    lossy.emit(ev('lost'));
    await lossy.flushed();
    expect(lossy.lost.events).toBe(1);
  });
});
