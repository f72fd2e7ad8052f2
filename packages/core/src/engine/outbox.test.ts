import { describe, expect, it } from 'vitest';
import { MemoryLogSink } from '../stores/memory-log-sink.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import type { EngineEvent, JobLogLine, NewEngineEvent } from './events.js';
import { MAX_QUEUED_LINES_WHILE_FAILING, Outbox } from './outbox.js';
import type { StoreProblem } from './outbox.js';

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
  it('delivers live-only events in order without storing them, numbered after the stored one before', async () => {
    const store = new CountingStore();
    // What a host publishes as the store commits, interleaved with what observers see.
    const feed: string[] = [];
    const outbox = new Outbox({
      store,
      logs: new MemoryLogSink(),
      onAppended: (es) => feed.push(...es.map((e) => `stored e${e.seq}:${e.path}`)),
    });
    outbox.observe({
      onEvent: (e) => {
        if (e.liveOnly === true) feed.push(`live e${e.seq}:${e.path}`);
      },
    });
    const live = (path: string): NewEngineEvent => ({ ...ev(path), liveOnly: true });
    outbox.emit(live('i0'));
    outbox.emit(ev('x'));
    outbox.emit(live('i1'));
    outbox.emit(live('i2'));
    outbox.emit(ev('y'));
    outbox.emit(ev('z'));
    outbox.emit(live('i3'));
    await outbox.flushed();
    expect(feed).toEqual([
      'live e0:i0',
      'stored e1:x',
      'live e1:i1',
      'live e1:i2',
      'stored e2:y',
      'stored e3:z',
      'live e3:i3',
    ]);
    expect((await store.readEvents({})).map((e) => e.path)).toEqual(['x', 'y', 'z']);
    expect(store.calls).toBe(2); // one append per run of stored events
  });

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

  it('retries a failing event append until the store takes it: never gives an event up', async () => {
    const store = new CountingStore();
    store.failures = 5; // more failures than retry delays: the old outbox dropped the batch here
    const problems: StoreProblem[] = [];
    const outbox = new Outbox({
      store,
      logs: new MemoryLogSink(),
      retryDelaysMs: [1, 1],
      onStoreProblem: (p) => problems.push(p),
    });
    const seen: string[] = [];
    outbox.observe({ onEvent: (e) => seen.push(`${e.seq}:${e.path}`) });
    outbox.emit(ev('a'));
    outbox.emit(ev('b'));
    await outbox.flushed();
    // Waited for the store (back-pressure), then stored everything in order, once.
    expect(store.calls).toBe(6);
    expect(seen).toEqual(['1:a', '2:b']);
    expect((await store.readEvents({})).map((e) => e.path)).toEqual(['a', 'b']);
    expect(problems.filter((p) => p.kind === 'events')).toHaveLength(5);
    expect(problems.at(-1)).toEqual({ kind: 'recovered', what: 'events' });
    expect(outbox.failing).toBe(false);
  });

  it('gives up lines the log sink keeps refusing, says so, and marks the attempt on its result', async () => {
    const store = new MemoryRunStore();
    const logs = new FlakyLogSink();
    logs.failing = true;
    const problems: StoreProblem[] = [];
    const truncated: string[] = [];
    const outbox = new Outbox({
      store,
      logs,
      retryDelaysMs: [1],
      onStoreProblem: (p) => problems.push(p),
      onLogTruncated: (runId, path, t) =>
        truncated.push(`${runId}/${path}#${t.attempt}:${t.cause}`),
    });
    outbox.log(line(1));
    outbox.log(line(2));
    outbox.emit(jobEnd('s.a.j', 1, 'succeeded'));
    await outbox.flushed();
    const [ended] = await store.readEvents({});
    expect(ended?.data?.['logTruncated']).toMatchObject({
      cause: 'storage',
      attempt: 1,
      droppedLines: 2,
    });
    expect(String((ended?.data?.['logTruncated'] as { message: string }).message)).toContain(
      'storage full',
    );
    expect(truncated).toEqual(['r/s.a.j#1:storage']);
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'lines', droppedLines: 2 }));

    // The sink works again: later lines are stored, later results are not marked.
    logs.failing = false;
    outbox.log({ ...line(1), attempt: 2 });
    outbox.emit(jobEnd('s.a.j', 2, 'succeeded'));
    await outbox.flushed();
    const events = await store.readEvents({});
    expect(events[1]?.data).toBeUndefined();
    expect(problems.at(-1)).toEqual({ kind: 'recovered', what: 'lines' });
    expect((await logs.read({ runId: 'r', jobPath: 's.a.j' })).map((l) => l.attempt)).toEqual([2]);
  });

  it('holds a bounded number of lines while the store fails, counting the rest as lost', async () => {
    const store = new CountingStore();
    store.failures = 2;
    const logs = new MemoryLogSink();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const problems: StoreProblem[] = [];
    const outbox = new Outbox({
      store,
      logs,
      retryDelaysMs: [1],
      onStoreProblem: (p) => {
        problems.push(p);
        if (p.kind === 'events' && p.failures === 2) release();
      },
    });
    outbox.emit(ev('first'));
    await gate; // the store is failing: the outbox knows it
    const flood = MAX_QUEUED_LINES_WHILE_FAILING + 500;
    for (let i = 1; i <= flood; i++) outbox.log(line(i));
    outbox.emit(jobEnd('s.a.j', 1, 'succeeded'));
    await outbox.flushed();
    const stored = await logs.read({ runId: 'r', jobPath: 's.a.j' });
    expect(stored).toHaveLength(MAX_QUEUED_LINES_WHILE_FAILING);
    const ended = (await store.readEvents({})).find((e) => e.status === 'succeeded');
    expect(ended?.data?.['logTruncated']).toMatchObject({ cause: 'storage', droppedLines: 500 });
    expect(outbox.stats.droppedLines).toBe(500);
  });
});

const jobEnd = (path: string, attempt: number, status: 'succeeded' | 'failed'): NewEngineEvent => ({
  runId: 'r',
  time: 2,
  scope: 'job',
  path,
  status,
  attempt,
});

class FlakyLogSink extends MemoryLogSink {
  failing = false;
  override append(lines: readonly JobLogLine[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('database or disk is full'));
    return super.append(lines);
  }
}
