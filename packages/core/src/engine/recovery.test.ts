/**
 * Engine restart on the fake orchestrator: engine A is "killed" (its store, log sink and
 * orchestrator freeze at a chosen moment, as if the process died: nothing it does afterwards
 * reaches anything), then engine B, on the same store, log sink and FakeOrchestrator, recovers.
 */
import { describe, expect, it } from 'vitest';
import type { JobSpec, Orchestrator } from '../orchestrator/orchestrator.js';
import { MemoryLogSink } from '../stores/memory-log-sink.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { Engine } from './engine.js';
import { fanOutProgressOf } from './events.js';
import type { JobLogLine, NewEngineEvent } from './events.js';
import { LOST_DURING_RESTART } from './recovery.js';
import { scanAttemptLog } from './recovery-plan.js';
import type { RunSnapshot } from './snapshot.js';
import type { LogSink, RunStore } from './store.js';
import { action, job, stage, workflow } from './testdata/workflows.js';

/**
 * The moment engine A dies: every call it makes afterwards, and every answer due, hangs. (The
 * fake's `reattach` finds the jobs not removed yet, running or ended, as the contract says.)
 */
class Crash {
  dead = false;
  kill(): void {
    this.dead = true;
  }
  hang<T>(): Promise<T> {
    return new Promise<T>(() => undefined);
  }
  gate<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      promise.then(
        (value) => {
          if (!this.dead) resolve(value);
        },
        (error: unknown) => {
          if (!this.dead) reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
  async *gateIterable<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
    for await (const item of source) {
      if (this.dead) await this.hang();
      yield item;
    }
    if (this.dead) await this.hang();
  }
}

/** `inner` as seen by a process that may die: `before` may kill it as a call begins. */
function mortal<T extends object>(
  inner: T,
  crash: Crash,
  before?: (method: string, args: readonly unknown[]) => void,
): T {
  return new Proxy(inner, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        before?.(String(prop), args);
        if (crash.dead)
          return prop === 'logs' ? crash.gateIterable(hangingIterable()) : crash.hang();
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) return crash.gate(out);
        if (typeof out === 'object' && out !== null && Symbol.asyncIterator in out) {
          return crash.gateIterable(out as AsyncIterable<unknown>);
        }
        return out;
      };
    },
  });
}

/** Logs of a dead process: nothing, ever. */
function hangingIterable(): AsyncIterable<never> {
  return { [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => undefined) }) };
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 5_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface World {
  readonly store: MemoryRunStore;
  readonly logs: MemoryLogSink;
  readonly fake: FakeOrchestrator;
  readonly crash: Crash;
  /** Engine A, whose store, log sink and orchestrator die with `crash`. */
  readonly a: Engine;
  /** Engine B: a fresh engine on the same store, sink and backend (the restarted process). */
  b(): Engine;
  stored(path: string, attempt?: number): Promise<readonly JobLogLine[]>;
}

function world(
  options: {
    killAfterLines?: number;
    onCall?: (method: string, args: readonly unknown[], crash: Crash) => void;
    onStoreCall?: (method: string, args: readonly unknown[], crash: Crash) => void;
  } = {},
): World {
  const store = new MemoryRunStore();
  const logs = new MemoryLogSink();
  const fake = new FakeOrchestrator();
  const crash = new Crash();
  let lines = 0;
  const countingLogs: LogSink = {
    append: async (batch) => {
      await logs.append(batch);
      lines += batch.length;
      if (options.killAfterLines !== undefined && lines >= options.killAfterLines) crash.kill();
    },
    read: (query) => logs.read(query),
  };
  const a = new Engine({
    orchestrator: mortal<Orchestrator>(fake, crash, (m, args) => options.onCall?.(m, args, crash)),
    store: mortal<RunStore>(store, crash, (m, args) => options.onStoreCall?.(m, args, crash)),
    logs: mortal(countingLogs, crash),
    stopGraceMs: 20,
  });
  return {
    store,
    logs,
    fake,
    crash,
    a,
    b: () => new Engine({ orchestrator: fake, store, logs, stopGraceMs: 20 }),
    stored: (path, attempt) =>
      logs.read({ runId: 'r1', jobPath: path, ...(attempt ? { attempt } : {}) }),
  };
}

const jobOf = (run: RunSnapshot, path: string) =>
  run.stages.flatMap((s) => s.actions.flatMap((a) => a.jobs)).find((j) => j.path === path);

const startsOf = (fake: FakeOrchestrator, path: string): JobSpec[] =>
  fake.started.filter((s) => `${s.stage}.${s.action}.${s.job}` === path);

/** Stage `one`: job `a` printing an output then `line 1..N`; stage `two`: job `b` using it. */
function twoStages(
  lines: number,
  aEnv: Record<string, string> = {},
  retries = 0,
  bEnv: Record<string, string> = {},
) {
  return workflow([
    stage('one', [
      action('x', [
        job(
          'a',
          {
            FAKE_STDOUT: '[COUT] K = from-a',
            FAKE_STDOUT_REPEAT: String(lines),
            FAKE_DELAY_MS: '1000',
            ...aEnv,
          },
          { retry: { limit: retries, backoffMs: 1, factor: 1, maxBackoffMs: 1 } },
        ),
      ]),
    ]),
    stage('two', [
      action('y', [
        job(
          'b',
          { FAKE_ECHO_ENV: 'FROM_A', ...bEnv },
          {
            subscriptions: [{ stage: 'one', action: 'x', job: 'a', output: 'K', env: 'FROM_A' }],
          },
        ),
      ]),
    ]),
  ]);
}

describe('Engine.recover', () => {
  it('re-attaches a running job, resumes its log without duplicates, then runs the next stage', async () => {
    const w = world({ killAfterLines: 1 });
    w.a.start(twoStages(5_000), { runId: 'r1', inputs: { GREETING: 'hi' } });
    await until('engine A to die', () => w.crash.dead);
    const storedBefore = (await w.stored('one.x.a')).length;
    expect(storedBefore).toBeGreaterThan(0);
    expect(storedBefore).toBeLessThan(5_001);

    const b = w.b();
    const handles = await b.recover();
    expect(handles.map((h) => h.runId)).toEqual(['r1']);
    const final = await (handles[0] as (typeof handles)[number]).done;

    expect(final.status).toBe('succeeded');
    expect(startsOf(w.fake, 'one.x.a')).toHaveLength(1); // never started twice
    expect(startsOf(w.fake, 'two.y.b')).toHaveLength(1);
    const lines = await w.stored('one.x.a', 1);
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    const texts = lines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    expect(texts).toEqual([
      '[COUT] K = from-a',
      ...Array.from({ length: 5_000 }, (_, i) => `line ${i + 1}`),
    ]);
    // The output printed before the restart was collected again and fed the data link.
    expect(jobOf(final, 'one.x.a')?.outputs).toEqual({ K: 'from-a' });
    expect(jobOf(final, 'two.y.b')?.outputs).toEqual({ FROM_A: 'from-a' });
    expect(startsOf(w.fake, 'two.y.b')[0]?.env['GREETING']).toBe('hi');

    const events = await w.store.readEvents({ runId: 'r1' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => (events[0]?.seq ?? 0) + i));
    const aRunning = events.filter((e) => e.path === 'one.x.a' && e.status === 'running');
    expect(aRunning).toHaveLength(1);
    expect(events.filter((e) => e.scope === 'run').map((e) => e.status)).toEqual([
      'queued',
      'running',
      'succeeded',
    ]);
    expect((await w.store.getRun('r1'))?.status).toBe('succeeded');
    expect(await w.store.listUnfinishedRuns()).toEqual([]);
    expect(w.fake.retainedJobs()).toBe(0);
    expect(w.fake.hasWorkspace('r1')).toBe(false);
  });

  it('fails an attempt whose backend object vanished ("lost during engine restart"); retries apply', async () => {
    for (const retries of [0, 1]) {
      const w = world({ killAfterLines: 1 });
      w.a.start(twoStages(3_000, { FAKE_DELAY_MS: '2000' }, retries), { runId: 'r1' });
      await until('engine A to die', () => w.crash.dead);
      const handle = (await w.fake.reattach({ runId: 'r1' }))[0];
      if (handle === undefined) throw new Error('job a should still run');
      await w.fake.remove(handle); // the container vanished with the engine

      const [recovered] = await w.b().recover();
      const final = await recovered?.done;
      const a = final === undefined ? undefined : jobOf(final, 'one.x.a');
      if (retries === 0) {
        expect(final?.status).toBe('failed');
        expect(a).toMatchObject({ status: 'failed', attempt: 1, reason: LOST_DURING_RESTART });
        expect(startsOf(w.fake, 'two.y.b')).toHaveLength(0);
      } else {
        expect(final?.status).toBe('succeeded');
        expect(a).toMatchObject({ status: 'succeeded', attempt: 2 });
        const events = await w.store.readEvents({ runId: 'r1' });
        const waiting = events.find((e) => e.path === 'one.x.a' && e.status === 'waiting');
        expect(waiting?.reason).toContain(LOST_DURING_RESTART);
      }
      expect(startsOf(w.fake, 'one.x.a').map((s) => s.attempt)).toEqual(
        retries === 0 ? [1] : [1, 2],
      );
    }
  });

  it('adopts a job started just before the crash whose running event was never stored', async () => {
    // Engine A dies the moment it asks the backend to start job b: the start goes through,
    // but the events emitted just before it (stage two, job b running) never reach the store.
    const w = world({
      onCall: (method, args, crash) => {
        if (method === 'start' && (args[0] as JobSpec).job === 'b') {
          crash.kill();
          void w.fake.start(args[0] as JobSpec);
        }
      },
    });
    w.a.start(twoStages(10, { FAKE_DELAY_MS: '0' }, 0, { FAKE_DELAY_MS: '1000' }), {
      runId: 'r1',
    });
    await until('engine A to die', () => w.crash.dead);
    await until('job b to start', () => startsOf(w.fake, 'two.y.b').length === 1);
    const before = await w.store.readEvents({ runId: 'r1' });
    expect(before.some((e) => e.path === 'two.y.b')).toBe(false);

    const [recovered] = await w.b().recover();
    const final = await recovered?.done;
    expect(final?.status).toBe('succeeded');
    expect(startsOf(w.fake, 'two.y.b')).toHaveLength(1);
    const events = await w.store.readEvents({ runId: 'r1' });
    expect(events.filter((e) => e.path === 'two.y.b').map((e) => e.status)).toEqual([
      'running',
      'succeeded',
    ]);
    expect(final === undefined ? undefined : jobOf(final, 'two.y.b')?.outputs).toEqual({
      FROM_A: 'from-a',
    });
  });

  it('a pause stage waits again; finished jobs are not run again', async () => {
    const w = world();
    const wf = workflow([
      stage('one', [action('x', [job('a', { FAKE_STDOUT: 'hello' })])]),
      stage('gate', [], { type: 'pause' }),
      stage('two', [action('y', [job('b')])]),
    ]);
    const first = w.a.start(wf, { runId: 'r1' });
    await until('the pause', () => w.a.getRun(first.runId)?.status === 'waiting');
    await until('the stored waiting event', async () =>
      (await w.store.readEvents({ runId: 'r1' })).some((e) => e.status === 'waiting'),
    );
    w.crash.kill();

    const b = w.b();
    const [recovered] = await b.recover();
    await until('the pause again', () => b.getRun('r1')?.status === 'waiting');
    b.decide('r1', 'gate', { approved: true, by: 'ops' });
    const final = await recovered?.done;
    expect(final?.status).toBe('succeeded');
    expect(final?.stages.find((s) => s.name === 'gate')?.decision).toEqual({
      approved: true,
      by: 'ops',
    });
    expect(startsOf(w.fake, 'one.x.a')).toHaveLength(1);
    expect(startsOf(w.fake, 'two.y.b')).toHaveLength(1);
    const runEvents = (await w.store.readEvents({ runId: 'r1' })).filter((e) => e.scope === 'run');
    expect(runEvents.map((e) => e.status)).toEqual([
      'queued',
      'running',
      'waiting',
      'running',
      'succeeded',
    ]);
  });

  it('a queued run stays queued behind the resumed one of its concurrency group', async () => {
    const w = world({ killAfterLines: 1 });
    const concurrency = { group: 'g', limit: 1, cancelInProgress: false };
    const slow = workflow(
      [stage('s', [action('a', [job('j', { FAKE_STDOUT: 'x', FAKE_DELAY_MS: '150' })])])],
      {
        concurrency,
      },
    );
    w.a.start(slow, { runId: 'r1' });
    w.a.start(slow, { runId: 'r2' });
    await until('engine A to die', () => w.crash.dead);

    const b = w.b();
    const handles = await b.recover();
    expect(handles.map((h) => h.runId)).toEqual(['r1', 'r2']);
    expect(b.getRun('r2')?.status).toBe('queued');
    const [one, two] = await Promise.all(handles.map((h) => h.done));
    expect([one?.status, two?.status]).toEqual(['succeeded', 'succeeded']);
    expect((two?.startedAt ?? 0) >= (one?.finishedAt ?? Infinity)).toBe(true);
    expect(w.fake.started.map((s) => s.runId)).toEqual(['r1', 'r2']);
  });

  it('finishes a run whose engine died during cleanup; a run without its request ends failed', async () => {
    const w = world({
      onCall: (method, _args, crash) => {
        if (method === 'cleanup') crash.kill();
      },
    });
    w.a.start(twoStages(3, { FAKE_DELAY_MS: '0' }), { runId: 'r1' });
    await until('engine A to die', () => w.crash.dead);
    await w.store.saveRun({
      ...structuredClone((await w.store.getRun('r1')) as RunSnapshot),
      runId: 'r0',
    });

    const handles = await w.b().recover();
    const finals = await Promise.all(handles.map((h) => h.done));
    const r1 = finals.find((f) => f.runId === 'r1');
    expect(r1?.status).toBe('succeeded');
    expect(w.fake.started).toHaveLength(2); // a and b, once each
    // Engine A died as it called cleanup (the call never arrived); engine B cleaned up.
    expect(w.fake.events.filter((e) => e === 'cleanup:r1')).toHaveLength(1);
    expect(w.fake.hasWorkspace('r1')).toBe(false);
    const r0 = finals.find((f) => f.runId === 'r0');
    expect(r0?.status).toBe('failed');
    expect(r0?.reason).toContain('request was not saved');
    expect(await w.store.listUnfinishedRuns()).toEqual([]);
  });
});

describe('scanAttemptLog', () => {
  it('resumes after the latest stamp of either stream, skipping the lines stored with it', async () => {
    const logs = new MemoryLogSink();
    const at = (seq: number, stream: JobLogLine['stream'], time: number, text = `l${seq}`) => ({
      runId: 'r',
      jobPath: 's.a.j',
      attempt: 2,
      seq,
      stream,
      text,
      time,
    });
    await logs.append([
      at(1, 'stdout', 5, '[COUT] K = v'),
      at(2, 'stderr', 4),
      at(3, 'stdout', 6),
      at(4, 'stderr', 6),
      at(5, 'system', 9),
      at(6, 'stdout', 6),
    ]);
    expect(await scanAttemptLog(logs, 'r', 's.a.j', 2)).toEqual({
      lastSeq: 6,
      priorStdout: ['[COUT] K = v'],
      logs: { sinceTime: 6, skipAtSinceTime: 3 },
    });
    expect(await scanAttemptLog(logs, 'r', 's.a.j', 1)).toEqual({ lastSeq: 0, priorStdout: [] });
  });
});

describe('Engine.recover in the middle of a fan-out', () => {
  /** One job fanning out over `n` = 1..count, `maxParallel` at a time. */
  function fanOut(count: number, maxParallel: number, env: Record<string, string>) {
    return workflow([
      stage('one', [
        action('x', [
          job('t', env, {
            outputs: ['CO_N'],
            fanOut: {
              kind: 'matrix',
              axes: [{ name: 'n', values: Array.from({ length: count }, (_, i) => String(i + 1)) }],
              include: [],
              exclude: [],
              maxParallel,
              failFast: true,
            },
          }),
        ]),
      ]),
    ]);
  }
  const instanceStarts = (fake: FakeOrchestrator): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const s of fake.started) counts.set(s.job, (counts.get(s.job) ?? 0) + 1);
    return counts;
  };

  it('loses no instance and runs none twice: running ones are followed, the rest start', async () => {
    // 3 at a time, each printing one line then running 300 ms: engine A dies once the 4th line
    // is stored, i.e. while the second batch of three runs.
    const w = world({ killAfterLines: 4 });
    w.a.start(fanOut(10, 3, { FAKE_ECHO_ENV: 'CO_N', FAKE_DELAY_MS: '300' }), { runId: 'r1' });
    await until('engine A to die', () => w.crash.dead);
    const startedBefore = w.fake.started.length;
    expect(startedBefore).toBeGreaterThanOrEqual(4);
    expect(startedBefore).toBeLessThan(10);

    const [recovered] = await w.b().recover();
    const final = await recovered?.done;
    expect(final?.status).toBe('succeeded');
    const starts = instanceStarts(w.fake);
    expect([...starts.keys()].sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `t[n=${i + 1}]`).sort(),
    );
    expect([...starts.values()].every((n) => n === 1)).toBe(true); // none twice
    const t = final === undefined ? undefined : jobOf(final, 'one.x.t');
    expect(t?.fanOut).toMatchObject({ total: 10, started: 10, passed: 10, failed: 0, active: {} });
    expect(t?.fanOut?.instances).toHaveLength(10);
    const fanIn = JSON.parse(t?.outputs['CO_N'] ?? '{}') as Record<string, string>;
    expect(Object.keys(fanIn)).toHaveLength(10);
    expect(fanIn['t[n=7]']).toBe('7');
    // Instance events are live-only: the store has the fan-out's progress events instead.
    const events = await w.store.readEvents({ runId: 'r1' });
    expect(events.filter((e) => e.path.includes('['))).toEqual([]);
    expect(events.some((e) => fanOutProgressOf(e) !== undefined)).toBe(true);
    expect(w.fake.retainedJobs()).toBe(0);
  });

  it('adopts an instance started just before the crash whose running event was never stored', async () => {
    const w = world({
      onCall: (method, args, crash) => {
        if (method === 'start' && (args[0] as JobSpec).job === 't[n=3]') {
          crash.kill();
          void w.fake.start(args[0] as JobSpec);
        }
      },
    });
    w.a.start(fanOut(5, 1, { FAKE_ECHO_ENV: 'CO_N', FAKE_DELAY_MS: '50' }), { runId: 'r1' });
    await until('engine A to die', () => w.crash.dead);
    await until('t[n=3] to start', () => instanceStarts(w.fake).get('t[n=3]') === 1);
    const before = await w.store.readEvents({ runId: 'r1' });
    expect(before.some((e) => e.path === 'one.x.t[n=3]')).toBe(false);

    const [recovered] = await w.b().recover();
    const final = await recovered?.done;
    expect(final?.status).toBe('succeeded');
    expect([...instanceStarts(w.fake).values()]).toEqual([1, 1, 1, 1, 1]);
    const t = final === undefined ? undefined : jobOf(final, 'one.x.t');
    expect(t?.fanOut?.instances.find((i) => i.name === 't[n=3]')).toMatchObject({
      status: 'succeeded',
      attempt: 1,
    });
    expect(JSON.parse(t?.outputs['CO_N'] ?? '{}')).toEqual({
      't[n=1]': '1',
      't[n=2]': '2',
      't[n=3]': '3',
      't[n=4]': '4',
      't[n=5]': '5',
    });
  });

  it('follows an instance that ended before the crash but whose end no stored event lists', async () => {
    // Engine A dies as it stores the first progress event that lists ended instances: their
    // backend objects are still there (removed only once such an event is stored).
    const w = world({
      onStoreCall: (method, args, crash) => {
        if (method !== 'appendEvents') return;
        const events = args[0] as readonly NewEngineEvent[];
        if (events.some((e) => (fanOutProgressOf(e)?.ended.length ?? 0) > 0)) crash.kill();
      },
    });
    w.a.start(fanOut(6, 2, { FAKE_ECHO_ENV: 'CO_N', FAKE_DELAY_MS: '20' }), { runId: 'r1' });
    await until('engine A to die', () => w.crash.dead);
    const endedBefore = w.fake.started.length;
    expect(endedBefore).toBeGreaterThanOrEqual(1);

    const [recovered] = await w.b().recover();
    const final = await recovered?.done;
    expect(final?.status).toBe('succeeded');
    const starts = instanceStarts(w.fake);
    expect(starts.size).toBe(6);
    expect([...starts.values()].every((n) => n === 1)).toBe(true); // none twice
    const t = final === undefined ? undefined : jobOf(final, 'one.x.t');
    expect(t?.fanOut).toMatchObject({ total: 6, started: 6, passed: 6, failed: 0, active: {} });
    expect(Object.keys(JSON.parse(t?.outputs['CO_N'] ?? '{}') as object)).toHaveLength(6);
    expect(w.fake.retainedJobs()).toBe(0);
  });
});
