/**
 * Fan-out control on the fake orchestrator: max-parallel as a hard bound, instances made only as
 * slots free up, ended instances kept as compact summaries, cancel in the middle.
 */
import { describe, expect, it } from 'vitest';
import type { FanOutDefinition, JobDefinition } from '../definition/model.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { Engine } from './engine.js';
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
});
