import type {
  NewEngineEvent,
  RunRequest,
  RunSnapshot,
  WorkflowDefinition,
} from '@containerops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dialectAvailable,
  openTestDatabase,
  STATE_TEST_DIALECTS,
} from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import { TypeOrmRunStore } from './typeorm-run-store.js';

const dialects = STATE_TEST_DIALECTS;

function event(runId: string, status: NewEngineEvent['status'], path = ''): NewEngineEvent {
  return { runId, time: Date.now(), scope: path === '' ? 'run' : 'job', path, status };
}

function snapshot(runId: string, status: RunSnapshot['status'], createdAt: number): RunSnapshot {
  return {
    runId,
    workflow: 'acme/repo/ci',
    workflowVersion: 1,
    status,
    createdAt,
    trigger: { type: 'api', by: 'alice' },
    stages: [],
    lastSeq: 0,
  };
}

const workflow = { uri: 'acme/repo/ci', stages: [] } as unknown as WorkflowDefinition;

for (const dialect of dialects) {
  describe(`TypeOrmRunStore on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let store: TypeOrmRunStore;
    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      store = new TypeOrmRunStore(test.db);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)(
      'numbers events 1, 2, 3... across concurrent appends, in order',
      async () => {
        const batches = await Promise.all([
          store.appendEvents([event('r1', 'queued'), event('r1', 'running')]),
          store.appendEvents([event('r2', 'queued')]),
          store.appendEvents([event('r1', 'running', 's.a.j'), event('r2', 'running')]),
        ]);
        expect(batches.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(batches[1]?.[0]).toMatchObject({ runId: 'r2', status: 'queued', seq: 3 });
        const all = await store.readEvents({});
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        const r1 = await store.readEvents({ runId: 'r1', afterSeq: 1 });
        expect(r1.map((e) => [e.seq, e.path, e.status])).toEqual([
          [2, '', 'running'],
          [4, 's.a.j', 'running'],
        ]);
        expect((await store.readEvents({ afterSeq: 2, limit: 2 })).map((e) => e.seq)).toEqual([
          3, 4,
        ]);
      },
    );

    it.skipIf(!available)(
      'continues the numbering in a new store on the same database',
      async () => {
        const again = new TypeOrmRunStore(test.db);
        const [next] = await again.appendEvents([event('r3', 'queued')]);
        expect(next?.seq).toBe(6);
        // The old instance's cached counter is now stale (another replica took its numbers):
        // its insert hits the primary key and is retried at once with fresh numbers.
        const [retried] = await store.appendEvents([event('r3', 'running')]);
        expect(retried?.seq).toBe(7);
        const [after] = await again.appendEvents([event('r3', 'succeeded')]);
        expect(after?.seq).toBe(8);
      },
    );

    it.skipIf(!available)(
      'saves snapshots and requests, lists unfinished runs oldest first',
      async () => {
        const request: RunRequest = {
          runId: 'r1',
          workflow,
          inputs: { A: '1' },
          trigger: { type: 'api' },
        };
        await Promise.all([
          store.saveRunRequest(request),
          store.saveRun(snapshot('r1', 'queued', 2000)),
          store.saveRun(snapshot('r2', 'running', 1000)),
          store.saveRun(snapshot('r3', 'succeeded', 500)),
        ]);
        expect(await store.getRunRequest('r1')).toEqual(request);
        expect(await store.getRun('r1')).toEqual(snapshot('r1', 'queued', 2000));
        expect((await store.listUnfinishedRuns()).map((r) => r.runId)).toEqual(['r2', 'r1']);
        const live = snapshot('r2', 'running', 1000);
        const saving = store.saveRun(live);
        live.status = 'succeeded'; // the engine mutates its live snapshot after calling saveRun
        await saving;
        expect((await store.getRun('r2'))?.status).toBe('running');
        await store.saveRun(live);
        expect((await store.listUnfinishedRuns()).map((r) => r.runId)).toEqual(['r1']);
        expect(await store.getRun('missing')).toBeUndefined();
        expect(await store.getRunRequest('r2')).toBeUndefined();
      },
    );

    it.skipIf(!available)(
      'a request saved alone keeps its row out of unfinished runs until a snapshot',
      async () => {
        await store.saveRunRequest({ runId: 'r9', workflow });
        expect((await store.listUnfinishedRuns()).map((r) => r.runId)).not.toContain('r9');
        expect(await store.getRun('r9')).toBeUndefined();
        await store.saveRun(snapshot('r9', 'queued', 3000));
        expect((await store.getRunRequest('r9'))?.runId).toBe('r9');
        expect((await store.listUnfinishedRuns()).map((r) => r.runId)).toContain('r9');
      },
    );

    it.skipIf(!available)('prunes finished runs with their events', async () => {
      const old = { ...snapshot('old', 'succeeded', 10), finishedAt: 20 };
      await store.saveRun(old);
      await store.appendEvents([event('old', 'succeeded')]);
      await store.appendEvents([event('r1', 'running')]); // 'old' does not hold the highest seq
      const ids = await store.pruneFinishedRuns(Date.now() - 60_000);
      expect(ids).toEqual(['old']);
      expect(await store.getRun('old')).toBeUndefined();
      expect(await store.readEvents({ runId: 'old' })).toEqual([]);
      expect(await store.getRun('r1')).toBeDefined();
    });

    it.skipIf(!available)(
      'never reuses a seq: pruning every run, then a restart, numbers above the old events',
      async () => {
        await store.saveRun({ ...snapshot('gone', 'succeeded', 10), finishedAt: 20 });
        const old = await store.appendEvents([
          event('gone', 'running'),
          event('gone', 'succeeded'),
        ]);
        const highest = old[1]!.seq;
        // Everything finished is pruned, including runs of earlier tests: the table ends idle.
        for (const run of await store.listUnfinishedRuns()) {
          await store.saveRun({ ...run, status: 'succeeded', finishedAt: 30 });
        }
        await store.pruneFinishedRuns(Date.now() + 60_000);
        expect(await store.getRun('gone')).toBeUndefined();
        // Only the highest event row stays, as the numbering's high-water mark.
        expect((await store.readEvents({ runId: 'gone' })).map((e) => e.seq)).toEqual([highest]);
        const restarted = new TypeOrmRunStore(test.db);
        const [next] = await restarted.appendEvents([event('fresh', 'running')]);
        expect(next!.seq).toBeGreaterThan(highest);
        store = restarted;
      },
    );
  });
}
