import { describe, expect, it } from 'vitest';
import { ContainerOpsError, ErrorCode } from '../errors.js';
import type {
  JobExit,
  JobHandle,
  JobSpec,
  LogChunk,
  LogOptions,
  RunContext,
} from '../orchestrator/orchestrator.js';
import { JobLabel } from '../orchestrator/orchestrator.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import type { EngineEvent } from './events.js';
import { Engine } from './engine.js';
import type { RunSnapshot } from './snapshot.js';
import { action, job, simple, stage, workflow } from './testdata/workflows.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ContainerOpsError ? error.code : String(error);
  }
  return undefined;
}

function engineWith(
  orchestrator = new FakeOrchestrator(),
  extra: Partial<ConstructorParameters<typeof Engine>[0]> = {},
) {
  let n = 0;
  return new Engine({ orchestrator, newRunId: () => `run-${++n}`, stopGraceMs: 20, ...extra });
}

const jobOf = (run: RunSnapshot, path: string) =>
  run.stages
    .flatMap((s) => s.actions)
    .flatMap((a) => a.jobs)
    .find((j) => j.path === path);

describe('Engine API', () => {
  it('start returns at once; getRun shows the live run; done resolves with the final snapshot', async () => {
    const engine = engineWith();
    const handle = engine.start(
      simple([job('j', { FAKE_DELAY_MS: '20', FAKE_STDOUT: '[COUT] K = v' })]),
    );
    expect(handle.runId).toBe('run-1');
    expect(engine.getRun('run-1')?.status).toBe('running');
    const final = await handle.done;
    expect(final.status).toBe('succeeded');
    expect(jobOf(final, 's.a.j')?.outputs).toEqual({ K: 'v' });
    const again = engine.getRun('run-1');
    expect(again).toEqual(final);
    expect(again).not.toBe(final);
    expect((await engine.store.getRun('run-1'))?.status).toBe('succeeded');
    const events = await engine.store.readEvents({ runId: 'run-1' });
    expect(final.lastSeq).toBe(events.at(-1)?.seq);
    expect(engine.getRun('nope')).toBeUndefined();
  });

  it('refuses a run id in use; decide and cancel say when there is nothing to do', async () => {
    const engine = engineWith();
    const wf = simple([job('j', { FAKE_DELAY_MS: '20' })]);
    const { done } = engine.start(wf, { runId: 'mine' });
    expect(codeOf(() => engine.start(wf, { runId: 'mine' }))).toBe('RUN_ID_IN_USE');
    expect(codeOf(() => engine.decide('nope', 's', { approved: true }))).toBe(
      ErrorCode.runNotFound,
    );
    expect(codeOf(() => engine.decide('mine', 's', { approved: true }))).toBe(
      ErrorCode.stageNotWaiting,
    );
    expect(engine.cancel('nope')).toBe(false);
    expect(engine.cancel('mine', 'first')).toBe(true);
    expect(engine.cancel('mine', 'second')).toBe(false);
    const final = await done;
    expect(final).toMatchObject({ status: 'cancelled', reason: 'run cancelled: first' });
    expect(engine.cancel('mine')).toBe(false);
    expect(codeOf(() => engine.decide('mine', 's', { approved: true }))).toBe(
      ErrorCode.stageNotWaiting,
    );
  });

  it('a signal aborted before start cancels the run before any job starts', async () => {
    const fake = new FakeOrchestrator();
    const engine = engineWith(fake);
    const controller = new AbortController();
    controller.abort('too late');
    const final = await engine.start(simple([job('j')]), { signal: controller.signal }).done;
    expect(final).toMatchObject({ status: 'cancelled', reason: 'run cancelled: too late' });
    expect(fake.started).toHaveLength(0);
  });

  it('observers get events in seq order until they unsubscribe', async () => {
    const engine = engineWith();
    const seen: EngineEvent[] = [];
    const off = engine.observe({ onEvent: (e) => seen.push(e) });
    await engine.start(simple([job('j')])).done;
    off();
    const count = seen.length;
    await engine.start(simple([job('j')])).done;
    expect(seen.length).toBe(count);
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen[0]).toMatchObject({
      scope: 'run',
      status: 'queued',
      data: { workflow: 'test/unit/flow' },
    });
  });

  it('saves the snapshot at stage boundaries and at the end', async () => {
    const store = new (class extends MemoryRunStore {
      saves: string[] = [];
      override saveRun(s: RunSnapshot): Promise<void> {
        this.saves.push(s.stages.map((st) => st.status).join(','));
        return super.saveRun(s);
      }
    })();
    const engine = engineWith(new FakeOrchestrator(), { store });
    const wf = workflow([
      stage('one', [action('a', [job('j')])]),
      stage('two', [action('a', [job('j')])]),
    ]);
    await engine.start(wf).done;
    expect(store.saves).toContain('succeeded,pending');
    expect(store.saves.at(-1)).toBe('succeeded,succeeded');
  });

  it('re-runs from a failed job of a run known only to the store', async () => {
    const store = new MemoryRunStore();
    const fake = new FakeOrchestrator();
    const wf = simple([
      job('ok', { FAKE_EXIT_CODE: '0', FAKE_STDOUT: '[COUT] A = 1' }),
      job('bad'),
    ]);
    const first = await engineWith(fake, { store }).start(wf, {
      keepWorkspace: true,
      inputs: { FAKE_EXIT_CODE: '1' },
    }).done;
    expect(first.status).toBe('failed');

    const engine = new Engine({ orchestrator: fake, store, newRunId: () => 'second' });
    const second = await engine.start(wf, { rerun: { runId: first.runId, fromFailed: true } }).done;
    expect(second).toMatchObject({
      status: 'succeeded',
      rerunOf: first.runId,
      workspaceRunId: first.runId,
    });
    expect(jobOf(second, 's.a.ok')).toMatchObject({
      status: 'succeeded',
      reason: `reused from run ${first.runId}`,
      outputs: { A: '1' },
    });
    expect(fake.started.filter((s) => s.runId === 'second').map((s) => s.job)).toEqual(['bad']);
    expect(fake.events).toContain('prepare:second');

    const missing = await engine.start(wf, {
      runId: 'third',
      rerun: { runId: 'gone', fromFailed: true },
    }).done;
    expect(missing.status).toBe('failed');
    expect(missing.reason).toContain('RERUN_NOT_POSSIBLE');
    expect(missing.stages[0]?.status).toBe('skipped');
  });

  it('fails a job whose secrets cannot be read, and masks secrets that were', async () => {
    const engine = engineWith(new FakeOrchestrator(), {
      secrets: {
        get: (name) =>
          name === 'BROKEN'
            ? Promise.reject(new Error('vault sealed'))
            : Promise.resolve('hunter2-secret'),
      },
    });
    const final = await engine.start(
      simple([
        job('ok', { PW: '${{ secrets.PW }}', FAKE_STDOUT: 'pw is hunter2-secret' }),
        job('broken', { X: '${{secrets.BROKEN}}' }),
      ]),
    ).done;
    expect(jobOf(final, 's.a.ok')?.status).toBe('succeeded');
    expect(jobOf(final, 's.a.broken')).toMatchObject({
      status: 'failed',
      reason: 'could not read secrets: vault sealed',
    });
    const lines = await engine.logs.read({ runId: final.runId, jobPath: 's.a.ok' });
    expect(lines.map((l) => l.text)).toEqual(['pw is ***']);
  });

  it('runs hooks through the hook runner and fails the job when a hook throws', async () => {
    const engine = engineWith(new FakeOrchestrator(), {
      hooks: {
        runPre: (ctx) =>
          ctx.script === 'throw'
            ? Promise.reject(new Error('lua error'))
            : Promise.resolve({ env: { ...ctx.env, FROM_PRE: 'yes' }, inputs: { ...ctx.inputs } }),
        runPost: (ctx) =>
          Promise.resolve({
            outputs: { ...ctx.outputs, SEEN_EXIT: String(ctx.exitCode) },
            succeeded: ctx.succeeded,
          }),
      },
    });
    const final = await engine.start(
      simple([
        job('a', { FAKE_ECHO_ENV: 'FROM_PRE' }, { pre: 'ok', post: 'ok' }),
        job('b', {}, { pre: 'throw' }),
      ]),
    ).done;
    expect(jobOf(final, 's.a.a')).toMatchObject({
      status: 'succeeded',
      outputs: { FROM_PRE: 'yes', SEEN_EXIT: '0' },
    });
    expect(jobOf(final, 's.a.b')).toMatchObject({
      status: 'failed',
      reason: 'pre hook failed: lua error',
    });
  });
});

/** A fake orchestrator whose methods can be made to fail. */
class FaultyOrchestrator extends FakeOrchestrator {
  faults: Partial<
    Record<'prepare' | 'startSync' | 'wait' | 'logs' | 'stop' | 'remove' | 'cleanup', boolean>
  > = {};

  override async prepare(run: RunContext): Promise<void> {
    if (this.faults.prepare) throw new Error('no workspace volume');
    return super.prepare(run);
  }

  override start(spec: JobSpec): Promise<JobHandle> {
    if (this.faults.startSync) throw new Error('sync start failure');
    return super.start(spec);
  }

  override wait(handle: JobHandle): Promise<JobExit> {
    if (this.faults.wait)
      return super.wait(handle).then(() => Promise.reject(new Error('lost the container')));
    return super.wait(handle);
  }

  override async *logs(handle: JobHandle, options?: LogOptions): AsyncIterable<LogChunk> {
    let n = 0;
    for await (const chunk of super.logs(handle, options)) {
      if (this.faults.logs && ++n > 1) throw new Error('log connection reset');
      yield chunk;
    }
  }

  override stop(handle: JobHandle, options: { graceMs: number }): Promise<void> {
    if (this.faults.stop) {
      void super.stop(handle, options);
      throw new Error('stop refused');
    }
    return super.stop(handle, options);
  }

  override async remove(handle: JobHandle): Promise<void> {
    await super.remove(handle);
    if (this.faults.remove) throw new Error('remove failed');
  }

  override async cleanup(run: RunContext, options: { keepWorkspace: boolean }): Promise<void> {
    await super.cleanup(run, options);
    if (this.faults.cleanup) throw new Error('cleanup failed');
  }
}

describe('Engine with a failing orchestrator', () => {
  const wf = simple([job('j', { FAKE_STDOUT: 'one\ntwo\nthree' }), job('k')]);

  async function runWith(faults: FaultyOrchestrator['faults']) {
    const fake = new FaultyOrchestrator();
    fake.faults = faults;
    const engine = engineWith(fake);
    const events: EngineEvent[] = [];
    engine.observe({ onEvent: (e) => events.push(e) });
    const final = await engine.start(wf).done;
    const lines = await engine.logs.read({ runId: final.runId, jobPath: 's.a.j' });
    return { fake, final, events, lines: lines.map((l) => l.text) };
  }

  it('prepare failure: the run fails with the reason, nothing runs, cleanup still runs', async () => {
    const { fake, final } = await runWith({ prepare: true });
    expect(final).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('could not prepare the run: no workspace volume'),
    });
    expect(final.stages[0]?.status).toBe('skipped');
    expect(fake.started).toHaveLength(0);
    expect(fake.events).toContain('cleanup:run-1');
  });

  it('a start that throws synchronously fails the job', async () => {
    const { final } = await runWith({ startSync: true });
    expect(jobOf(final, 's.a.j')).toMatchObject({
      status: 'failed',
      reason: 'could not start: sync start failure',
    });
  });

  it('wait() rejecting fails the job as an orchestrator error, and the job is still removed', async () => {
    const { fake, final } = await runWith({ wait: true });
    expect(jobOf(final, 's.a.j')).toMatchObject({
      status: 'failed',
      reason: 'orchestrator error: lost the container',
    });
    expect(fake.retainedJobs()).toBe(0);
  });

  it('a log stream that fails mid-way fails the job, keeping the lines read', async () => {
    const { final, lines } = await runWith({ logs: true });
    expect(jobOf(final, 's.a.j')).toMatchObject({
      status: 'failed',
      reason: 'orchestrator error: the log stream failed: log connection reset',
    });
    expect(lines).toEqual(['one']);
  });

  it('remove and cleanup failures are recorded without failing the run', async () => {
    const { final, events, lines } = await runWith({ remove: true, cleanup: true });
    expect(final.status).toBe('succeeded');
    expect(lines).toContain('could not remove the job from the orchestrator: remove failed');
    expect(events.at(-1)).toMatchObject({
      scope: 'run',
      status: 'succeeded',
      data: { cleanupError: 'cleanup failed' },
    });
  });

  it('removes each job only once its result is stored, and ends the action after the last removal', async () => {
    const fake = new FakeOrchestrator();
    const engine = engineWith(fake);
    const timeline: string[] = [];
    engine.observe({
      onEvent: (e) => {
        if (e.scope !== 'run') timeline.push(`stored:${e.path}:${e.status}`);
      },
    });
    const remove = fake.remove.bind(fake);
    fake.remove = (handle) => {
      timeline.push(`remove:${handle.labels[JobLabel.job] ?? ''}`);
      return remove(handle);
    };
    const final = await engine.start(simple([job('j'), job('k'), job('l')])).done;
    expect(final.status).toBe('succeeded');
    for (const name of ['j', 'k', 'l']) {
      const removed = timeline.indexOf(`remove:${name}`);
      expect(removed).toBeGreaterThan(timeline.indexOf(`stored:s.a.${name}:succeeded`));
      expect(removed).toBeLessThan(timeline.indexOf('stored:s.a:succeeded'));
    }
    expect(fake.retainedJobs()).toBe(0);
  });

  it('a stop that throws still ends a cancelled run', async () => {
    const fake = new FaultyOrchestrator();
    fake.faults = { stop: true };
    const engine = engineWith(fake);
    const handle = engine.start(simple([job('j', { FAKE_DELAY_MS: '5000' })]));
    const off = engine.observe({
      onEvent: (e) => {
        if (e.scope === 'job' && e.status === 'running') engine.cancel(handle.runId);
      },
    });
    const final = await handle.done;
    off();
    expect(final.status).toBe('cancelled');
    const lines = await engine.logs.read({ runId: final.runId, jobPath: 's.a.j' });
    expect(lines.map((l) => l.text)).toContain('could not stop the job: stop refused');
  });
});
