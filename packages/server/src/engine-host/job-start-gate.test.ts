import { FakeOrchestrator } from '@containerops/core/testing';
import type { JobHandle, JobSpec } from '@containerops/core';
import { describe, expect, it } from 'vitest';
import { JobStartGate, SHUTTING_DOWN } from './job-start-gate.js';

/** A backend whose start() returns only when the test says so. */
function slowBackend() {
  const inner = new FakeOrchestrator();
  const pending: (() => void)[] = [];
  const start = inner.start.bind(inner);
  inner.start = (job: JobSpec) =>
    new Promise<JobHandle>((resolve, reject) => {
      pending.push(() => void start(job).then(resolve, reject));
    });
  return { inner, finishStarts: () => pending.splice(0).forEach((go) => go()), pending };
}

const spec = (runId: string): JobSpec => ({ runId }) as unknown as JobSpec;

describe('JobStartGate', () => {
  it('passes starts through while open; once closed, holds new ones and waits for those in flight', async () => {
    const backend = slowBackend();
    const gate = new JobStartGate(backend.inner);
    const inFlight = gate.start(spec('r1')).catch((e: unknown) => e);
    expect(backend.pending).toHaveLength(1);
    gate.close();
    let held: unknown;
    const heldStart = gate.start(spec('r2')).catch((e: unknown) => (held = e));
    expect(backend.pending).toHaveLength(1); // the held one never reached the backend
    expect([...gate.heldRuns()]).toEqual(['r2']);

    let settled = false;
    const settling = gate.startsSettled(60_000).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    backend.finishStarts();
    await settling;
    await inFlight;

    gate.rejectHeld('server shutting down');
    await heldStart;
    expect(held).toMatchObject({ code: SHUTTING_DOWN, message: 'server shutting down' });
    expect(gate.heldRuns().size).toBe(0);
  });

  it('startsSettled gives up after its timeout', async () => {
    const backend = slowBackend();
    const gate = new JobStartGate(backend.inner);
    void gate.start(spec('r1')).catch(() => undefined);
    await gate.startsSettled(10); // resolves though the start never returns
    backend.finishStarts();
  });

  it("offers the backend's optional methods exactly when the backend has them", () => {
    const plain = new JobStartGate(new FakeOrchestrator());
    expect(plain.validateJobOptions).toBeUndefined();
    const inner = new FakeOrchestrator();
    const seen: unknown[] = [];
    const withBoth = Object.assign(inner, {
      validateJobOptions(this: FakeOrchestrator, options: Readonly<Record<string, unknown>>) {
        seen.push(this === inner, options);
        return 'no';
      },
      logBatches: () => ({ [Symbol.asyncIterator]: async function* () {} }),
    });
    const gate = new JobStartGate(withBoth);
    expect(gate.validateJobOptions?.({ kubectl: 'x' })).toBe('no');
    expect(seen).toEqual([true, { kubectl: 'x' }]); // called on the backend itself
    expect(gate.logBatches).toBeTypeOf('function');
  });
});
