/**
 * Conformance cases for controlling jobs: stop, kill after grace, idempotency, start failures,
 * OOM, reattach (also of a job whose start was cut short). Cases a backend cannot support are skipped by capability, with the reason in
 * the title.
 */
import { JobLabel } from '@containerops/core';
import type { JobHandle } from '@containerops/core';
import { FakeEnv } from '@containerops/core/testing';
import { expect, it } from 'vitest';
import type { ConformanceHarness } from './harness.js';
import { textsOf } from './harness.js';

/** Exit code of a stopped job: none (signal) or the shell's 128 + SIGTERM. */
const killedExitCodes = [null, 143, 137];

export function registerControlCases(h: ConformanceHarness): void {
  const o = h.orchestrator;
  const caps = o.capabilities;
  const timeout = h.ms(30_000);

  it(
    'stop() during a job ends it quickly with reason "killed"; concurrent stops are fine',
    async () => {
      await h.withRun(async (run) => {
        const handle = await o.start(h.job(run, { stdout: ['started'], sleepMs: h.ms(60_000) }));
        try {
          const follower = h.follow(handle);
          expect(await follower.seen('started')).toBe(true);
          const began = Date.now();
          // A long grace: the job must end on the graceful signal, well before the kill.
          await Promise.all([
            o.stop(handle, { graceMs: h.ms(20_000) }),
            o.stop(handle, { graceMs: h.ms(20_000) }),
          ]);
          const exit = await o.wait(handle);
          expect(Date.now() - began).toBeLessThan(h.ms(10_000));
          expect(exit.reason).toBe('killed');
          expect(killedExitCodes).toContain(exit.exitCode);
          await follower.done; // logs() ends (does not throw) when the job is stopped
        } finally {
          await o.remove(handle);
        }
      });
    },
    timeout,
  );

  it(
    'stop() of a job that ignores SIGTERM kills it after graceMs',
    async () => {
      await h.withRun(async (run) => {
        const handle = await o.start(
          h.job(run, { stdout: ['ready'], ignoreTerm: true, sleepMs: h.ms(60_000) }),
        );
        try {
          const follower = h.follow(handle);
          expect(await follower.seen('ready')).toBe(true);
          const graceMs = h.ms(1_000);
          const began = Date.now();
          await o.stop(handle, { graceMs });
          const exit = await o.wait(handle);
          const elapsed = Date.now() - began;
          expect(exit.reason).toBe('killed');
          expect(
            elapsed,
            'the job ignored SIGTERM, so only the kill after graceMs ends it',
          ).toBeGreaterThanOrEqual(graceMs * 0.8);
          expect(elapsed).toBeLessThan(graceMs + h.ms(15_000));
          await follower.done;
        } finally {
          await o.remove(handle);
        }
      });
    },
    timeout,
  );

  it(
    'stop() and remove() are idempotent and safe on an exited or never-started job',
    async () => {
      await h.withRun(async (run) => {
        const handle = await o.start(h.job(run, { stdout: ['done'] }));
        const follower = h.follow(handle);
        expect(await o.wait(handle)).toMatchObject({ exitCode: 0, reason: 'exited' });
        await follower.done;
        await o.stop(handle, { graceMs: 100 });
        await o.stop(handle, { graceMs: 100 });
        await o.remove(handle);
        await o.remove(handle);
        await o.stop(handle, { graceMs: 100 });
        const ghost: JobHandle = {
          id: `${handle.id}-ghost`,
          runId: run.runId,
          backendId: 'no-such-job',
          labels: {},
        };
        await expect(o.stop(ghost, { graceMs: 100 })).resolves.toBeUndefined();
        await expect(o.remove(ghost)).resolves.toBeUndefined();
      });
    },
    timeout,
  );

  // Backends that run no images (local) cannot be asked for a missing one.
  it.skipIf(!caps.images)(
    'start() of a missing image throws OrchestratorError IMAGE_NOT_FOUND [needs capability images]',
    async () => {
      await h.withRun(async (run) => {
        const image = 'containerops.invalid/conformance/missing-image:never';
        const spec = h.job(
          run,
          { stdout: ['never'] },
          { image, env: { [FakeEnv.startError]: `image ${image} not found` } },
        );
        const started = o.start(spec);
        await expect(started).rejects.toMatchObject({
          name: 'OrchestratorError',
          code: 'IMAGE_NOT_FOUND',
        });
        await o.stop(
          { id: spec.id, runId: run.runId, backendId: '', labels: spec.labels },
          { graceMs: 100 },
        );
      });
    },
    h.ms(60_000),
  );

  // Without enforced memory limits a memory hog would eat the host instead of being killed.
  it.skipIf(!caps.memoryLimit)(
    'a job over its memory limit ends with reason "oom" [needs capability memoryLimit]',
    async () => {
      await h.withRun(async (run) => {
        const limit = 64 * 1024 * 1024;
        const spec = h.job(
          run,
          { memoryHog: true },
          { resources: { memoryBytes: limit, memoryLimitBytes: limit } },
        );
        const { exit } = await h.run(spec);
        expect(exit.reason).toBe('oom');
      });
    },
    h.ms(60_000),
  );

  // Backends whose jobs die with the engine (local child processes) have nothing to re-attach.
  it.skipIf(!caps.reattach)(
    'reattach() finds a running job of the run, and its logs can be followed [needs capability reattach]',
    async () => {
      await h.withRun(async (run) => {
        const handle = await o.start(h.job(run, { stdout: ['before'], sleepMs: h.ms(1_500) }));
        try {
          const byRun = await o.reattach({ runId: run.runId });
          const found = byRun.find((candidate) => candidate.id === handle.id);
          expect(found, 'reattach({ runId }) returns the running job').toBeDefined();
          const byLabel = await o.reattach({ labels: { [JobLabel.runId]: run.runId } });
          expect(byLabel.map((candidate) => candidate.id)).toContain(handle.id);
          const elsewhere = await o.reattach({ runId: h.newRun().runId });
          expect(elsewhere.map((candidate) => candidate.id)).not.toContain(handle.id);

          const reattached = found ?? handle;
          const follower = h.follow(reattached);
          const exit = await o.wait(reattached);
          expect(exit).toMatchObject({ exitCode: 0, reason: 'exited' });
          expect(textsOf(await follower.done, 'stdout')).toContain('before');
        } finally {
          await o.remove(handle);
        }
      });
    },
    timeout,
  );

  const createUnstarted = h.options.createUnstarted;
  // Only a backend whose start is more than one call can be cut short between its steps.
  it.skipIf(!caps.reattach || createUnstarted === undefined)(
    'reattach() starts a job whose start() a crash cut short: it runs once, never "exited" without running [needs capability reattach and a start with steps (createUnstarted)]',
    async () => {
      await h.withRun(async (run) => {
        const spec = h.job(run, { stdout: ['ran once'], exitCode: 7 });
        await createUnstarted?.(spec);
        const found = (await o.reattach({ runId: run.runId })).find((c) => c.id === spec.id);
        expect(found, 'reattach({ runId }) returns the job that was never started').toBeDefined();
        const handle = found as JobHandle;
        try {
          const follower = h.follow(handle);
          expect(await o.wait(handle)).toMatchObject({ exitCode: 7, reason: 'exited' });
          expect(textsOf(await follower.done, 'stdout')).toEqual(['ran once']);
          // Re-attaching again (a second restart) follows the same, ended job: no second run.
          const again = (await o.reattach({ runId: run.runId })).find((c) => c.id === spec.id);
          expect(again?.backendId).toBe(handle.backendId);
          expect(await o.wait(again as JobHandle)).toMatchObject({ exitCode: 7, reason: 'exited' });
          expect(textsOf(await h.follow(again as JobHandle).done, 'stdout')).toEqual(['ran once']);
        } finally {
          await o.remove(handle);
        }
      });
    },
    timeout,
  );
}
