/**
 * The status a store holds for a run follows the run: run lists and counts filter on it (the
 * server's `runs.status` column), so a run whose first stage is running must not read `queued`
 * there, nor `waiting` once its pause stage was approved.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { Engine } from './engine.js';
import type { RunStatus } from './status.js';
import { action, job, simple, stage, workflow } from './testdata/workflows.js';

/** Waits (bounded) until the store's saved snapshot of `runId` has `status`; returns what it saw. */
async function storedStatus(
  store: MemoryRunStore,
  runId: string,
  status: RunStatus,
): Promise<RunStatus | undefined> {
  let seen: RunStatus | undefined;
  for (let i = 0; i < 200; i++) {
    seen = (await store.getRun(runId))?.status;
    if (seen === status) return seen;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return seen;
}

describe('stored run status', () => {
  it('is running while the first stage runs', async () => {
    const store = new MemoryRunStore();
    const engine = new Engine({ orchestrator: new FakeOrchestrator(), store, stopGraceMs: 10 });
    const runs = Array.from({ length: 3 }, () =>
      engine.start(simple([job('slow', { FAKE_DELAY_MS: '60000' })])),
    );
    for (const { runId } of runs) {
      expect(await storedStatus(store, runId, 'running')).toBe('running');
      expect((await store.listUnfinishedRuns()).map((r) => r.runId)).toContain(runId);
    }
    for (const { runId } of runs) engine.cancel(runId, 'test over');
    for (const { runId, done } of runs) {
      await done;
      expect((await store.getRun(runId))?.status).toBe('cancelled');
    }
  });

  it('is running again once a pause stage is approved, while the next stage runs', async () => {
    const store = new MemoryRunStore();
    const engine = new Engine({ orchestrator: new FakeOrchestrator(), store, stopGraceMs: 10 });
    const { runId, done } = engine.start(
      workflow([
        stage('gate', [], { type: 'pause' }),
        stage('s', [action('a', [job('slow', { FAKE_DELAY_MS: '60000' })])]),
      ]),
    );
    expect(await storedStatus(store, runId, 'waiting')).toBe('waiting');
    engine.decide(runId, 'gate', { approved: true, by: 'ops' });
    expect(await storedStatus(store, runId, 'running')).toBe('running');
    engine.cancel(runId, 'test over');
    await done;
  });
});
