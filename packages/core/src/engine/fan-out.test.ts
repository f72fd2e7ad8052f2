/**
 * Fan-out control on the fake orchestrator: max-parallel as a hard bound, instances made only as
 * slots free up, ended instances kept as compact summaries, cancel in the middle.
 */
import { describe, expect, it } from 'vitest';
import type { FanOutDefinition, JobDefinition } from '../definition/model.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { Engine } from './engine.js';
import { fanOutProgressOf } from './events.js';
import { MAX_UNRELEASED_INSTANCES } from './fan-out-progress.js';
import type { EngineEvent } from './events.js';
import type { RunSnapshot } from './snapshot.js';
import { action, job, stage, workflow } from './testdata/workflows.js';

function matrix(count: number, extra: Partial<FanOutDefinition> = {}): FanOutDefinition {
  return {
    kind: 'matrix',
    axes: [{ name: 'n', values: Array.from({ length: count }, (_, i) => String(i + 1)) }],
    include: [],
    exclude: [],
    maxParallel: 100,
    failFast: true,
    ...extra,
  } as FanOutDefinition;
}

function fanOutFlow(t: JobDefinition, concurrency?: { group: string; limit: number }) {
  return workflow([stage('s', [action('a', [t])])], {
    ...(concurrency === undefined
      ? {}
      : { concurrency: { ...concurrency, cancelInProgress: false } }),
  });
}

const fanOutOf = (run: RunSnapshot | undefined) => run?.stages[0]?.actions[0]?.jobs[0]?.fanOut;

/** Highest number of instances running at once, from the event stream. */
function peakRunning(events: readonly EngineEvent[]): number {
  const running = new Set<string>();
  let peak = 0;
  for (const e of events) {
    if (e.scope !== 'job' || !e.path.includes('[')) continue;
    if (e.status === 'running') running.add(e.path);
    else running.delete(e.path);
    peak = Math.max(peak, running.size);
  }
  return peak;
}

describe('fan-out control', () => {
  it('never runs more than max-parallel instances, and makes instances only as slots free up', async () => {
    const fake = new FakeOrchestrator();
    const engine = new Engine({ orchestrator: fake, stopGraceMs: 20 });
    const events: EngineEvent[] = [];
    let mostNodes = 0;
    let runId = '';
    engine.observe({
      onEvent: (e) => {
        events.push(e);
        // Instance nodes that exist at any moment: at most max-parallel.
        const fan = fanOutOf(engine.getRun(runId));
        if (fan !== undefined) mostNodes = Math.max(mostNodes, Object.keys(fan.active).length);
      },
    });
    const t = job('t', { FAKE_DELAY_MS: '5' }, { fanOut: matrix(40, { maxParallel: 4 }) });
    const handle = engine.start(fanOutFlow(t));
    runId = handle.runId;
    const final = await handle.done;
    expect(final.status).toBe('succeeded');
    expect(peakRunning(events)).toBe(4);
    expect(mostNodes).toBeLessThanOrEqual(4);
    expect(fake.started).toHaveLength(40);
    const fan = fanOutOf(final);
    expect(fan).toMatchObject({ total: 40, started: 40, passed: 40, failed: 0, skipped: 0 });
    expect(fan?.active).toEqual({});
    // Compact: name, status, attempt, exit code, duration; no outputs when none are declared.
    expect(Object.keys(fan?.instances[0] ?? {}).sort()).toEqual(
      ['attempt', 'durationMs', 'exitCode', 'name', 'status'].sort(),
    );
    // The tree holds the fan-out job only, not its instances.
    expect(final.stages[0]?.actions[0]?.jobs.map((j) => j.path)).toEqual(['s.a.t']);
  });

  it('concurrency groups still hold: a second run of the group waits for the whole fan-out', async () => {
    const engine = new Engine({ orchestrator: new FakeOrchestrator(), stopGraceMs: 20 });
    const events: EngineEvent[] = [];
    engine.observe({ onEvent: (e) => events.push(e) });
    const t = job('t', { FAKE_DELAY_MS: '5' }, { fanOut: matrix(6, { maxParallel: 3 }) });
    const flow = fanOutFlow(t, { group: 'g', limit: 1 });
    const first = engine.start(flow);
    const second = engine.start(flow);
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    const firstEnd = events.findIndex(
      (e) => e.runId === first.runId && e.scope === 'run' && e.status === 'succeeded',
    );
    const secondStart = events.findIndex(
      (e) => e.runId === second.runId && e.scope === 'job' && e.status === 'running',
    );
    expect(secondStart).toBeGreaterThan(firstEnd);
  });

  it('a cancel in the middle stops running instances and starts no more', async () => {
    const fake = new FakeOrchestrator();
    const engine = new Engine({ orchestrator: fake, stopGraceMs: 20 });
    let started = 0;
    engine.observe({
      onEvent: (e) => {
        if (e.scope === 'job' && e.path.includes('[') && e.status === 'running' && ++started === 5)
          engine.cancel('r-cancel', 'enough');
      },
    });
    const t = job('t', { FAKE_DELAY_MS: '10000' }, { fanOut: matrix(20, { maxParallel: 5 }) });
    const final = await engine.start(fanOutFlow(t), { runId: 'r-cancel' }).done;
    expect(final.status).toBe('cancelled');
    expect(fake.started).toHaveLength(5);
    expect(fanOutOf(final)).toMatchObject({ total: 20, started: 5, failed: 5, skipped: 15 });
    expect(final.stages[0]?.actions[0]?.jobs[0]?.status).toBe('cancelled');
    expect(fake.liveJobs()).toBe(0);
  });

  it('stores no event per instance: a 1,000-instance fan-out stores what a 10-instance one does', async () => {
    /** Runs a fan-out of `count`; returns the stored events and what observers saw live. */
    async function fanOutEvents(count: number) {
      const store = new MemoryRunStore();
      // One progress event at the start and one at the end (the run is far shorter than this).
      const engine = new Engine({
        orchestrator: new FakeOrchestrator(),
        store,
        stopGraceMs: 20,
        fanOutProgressMs: 60_000,
      });
      const live: EngineEvent[] = [];
      engine.observe({ onEvent: (e) => live.push(e) });
      const t = job('t', { FAKE_EXIT: '0' }, { fanOut: matrix(count, { maxParallel: 50 }) });
      const final = await engine.start(fanOutFlow(t)).done;
      expect(final.status).toBe('succeeded');
      return { stored: await store.readEvents({}), live, final };
    }
    const small = await fanOutEvents(10);
    const large = await fanOutEvents(1_000);
    expect(large.stored.length).toBe(small.stored.length);
    // run ×3, stage ×2, action ×2, job ×2, and the fan-out's progress events
    const progress = large.stored.filter((e) => fanOutProgressOf(e) !== undefined);
    expect(progress.length).toBeLessThanOrEqual(3);
    expect(large.stored.length).toBe(9 + progress.length);
    expect(large.stored.filter((e) => e.path.includes('['))).toEqual([]);
    // The progress events list every instance's end once, with at most max-parallel running.
    const listed = progress.flatMap((e) => fanOutProgressOf(e)?.ended ?? []);
    expect(new Set(listed.map((i) => i.name)).size).toBe(1_000);
    expect(listed).toHaveLength(1_000);
    for (const e of progress) expect(fanOutProgressOf(e)?.active.length).toBeLessThanOrEqual(50);
    expect(fanOutOf(large.final)).toMatchObject({ total: 1_000, passed: 1_000, active: {} });
    // Live observers still saw every instance start and end, marked live-only.
    const instanceEvents = large.live.filter((e) => e.path.includes('['));
    expect(instanceEvents).toHaveLength(2_000);
    expect(instanceEvents.every((e) => e.liveOnly === true)).toBe(true);
    expect(instanceEvents.filter((e) => e.status === 'succeeded')).toHaveLength(1_000);
    // Live-only events carry the seq of the stored event before them: never ahead of the store.
    const storedSeqs = new Set(large.stored.map((e) => e.seq));
    expect(instanceEvents.every((e) => storedSeqs.has(e.seq))).toBe(true);
  });

  it('progress events come at most once per interval while instances move', async () => {
    const store = new MemoryRunStore();
    const engine = new Engine({
      orchestrator: new FakeOrchestrator(),
      store,
      stopGraceMs: 20,
      fanOutProgressMs: 40,
    });
    const t = job('t', { FAKE_DELAY_MS: '5' }, { fanOut: matrix(60, { maxParallel: 6 }) });
    const final = await engine.start(fanOutFlow(t)).done;
    expect(final.status).toBe('succeeded');
    const progress = (await store.readEvents({})).filter((e) => fanOutProgressOf(e) !== undefined);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // Spaced by the interval (the last one, at the fan-out's end, may come sooner).
    const times = progress.slice(0, -1).map((e) => e.time);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(35);
  });

  it('a failing store holds the fan-out back: ended instances are not removed, and new ones wait', async () => {
    class FailingStore extends MemoryRunStore {
      failing = true;
      override appendEvents(events: Parameters<MemoryRunStore['appendEvents']>[0]) {
        return this.failing ? Promise.reject(new Error('disk full')) : super.appendEvents(events);
      }
    }
    const store = new FailingStore();
    const fake = new FakeOrchestrator();
    const engine = new Engine({ orchestrator: fake, store, stopGraceMs: 20 });
    const t = job('t', { FAKE_EXIT: '0' }, { fanOut: matrix(1_500, { maxParallel: 10 }) });
    const handle = engine.start(fanOutFlow(t));
    // 10 running at most, and at most MAX_UNRELEASED_INSTANCES (1,000) ended ones kept.
    const bound = 10 + MAX_UNRELEASED_INSTANCES;
    for (let i = 0; i < 2_000 && fake.started.length < MAX_UNRELEASED_INSTANCES; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const held = fake.started.length;
    expect(held).toBeGreaterThanOrEqual(MAX_UNRELEASED_INSTANCES);
    expect(held).toBeLessThanOrEqual(bound);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.started.length).toBe(held); // no new start while nothing can be stored
    expect(fake.retainedJobs()).toBe(held); // and nothing removed
    store.failing = false;
    const final = await handle.done;
    expect(final.status).toBe('succeeded');
    expect(fanOutOf(final)).toMatchObject({ total: 1_500, passed: 1_500 });
    expect(fake.retainedJobs()).toBe(0);
  });
});
