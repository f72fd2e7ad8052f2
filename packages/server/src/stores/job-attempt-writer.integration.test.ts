/**
 * `job_attempts` rows written by the run store with the events, on every database: a start
 * inserts, an end closes (the first end wins), a repeated start changes nothing, attempts that
 * never ran, fan-out jobs themselves (not their instances) and non-job events write nothing, the run's organisation is found whether its row is
 * stored or still queued, and the configured orchestrator is recorded.
 */
import type { NewEngineEvent, WorkflowDefinition } from '@containerops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAttemptEntity } from '../db/job-attempt.entity.js';
import type { JobAttemptRow } from '../db/job-attempt.entity.js';
import {
  dialectAvailable,
  openTestDatabase,
  STATE_TEST_DIALECTS,
} from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import { JobAttemptWriter } from './job-attempt-writer.js';
import { TypeOrmRunStore } from './typeorm-run-store.js';

const T = Date.UTC(2026, 5, 1, 10);

function job(
  runId: string,
  path: string,
  status: NewEngineEvent['status'],
  attempt: number,
  time: number,
): NewEngineEvent {
  return { runId, time, scope: 'job', path, status, attempt };
}

const workflowOf = (uri: string) => ({ uri, stages: [] }) as unknown as WorkflowDefinition;

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`job attempts written with the events on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let store: TypeOrmRunStore;
    let writer: JobAttemptWriter;
    const rows = async (runId: string): Promise<JobAttemptRow[]> =>
      test.db.manager.find(JobAttemptEntity, {
        where: { runId },
        order: { jobPath: 'ASC', attempt: 'ASC' },
      });

    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      writer = new JobAttemptWriter(test.db);
      writer.orchestrator = 'docker';
      store = new TypeOrmRunStore(test.db, undefined, writer);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)('opens an attempt at its start and closes it at its end', async () => {
      await store.saveRunRequest({ runId: 'r1', workflow: workflowOf('acme/repo/ci') });
      await store.appendEvents([
        { runId: 'r1', time: T, scope: 'run', path: '', status: 'running' },
        job('r1', 's.a.build', 'running', 1, T + 1000),
      ]);
      expect(await rows('r1')).toEqual([
        {
          runId: 'r1',
          jobPath: 's.a.build',
          attempt: 1,
          organization: 'acme',
          orchestrator: 'docker',
          startedAt: T + 1000,
          finishedAt: null,
          status: 'running',
        },
      ]);
      await store.appendEvents([job('r1', 's.a.build', 'succeeded', 1, T + 5000)]);
      expect(await rows('r1')).toMatchObject([
        { startedAt: T + 1000, finishedAt: T + 5000, status: 'succeeded' },
      ]);
    });

    it.skipIf(!available)(
      'keeps each retry as its own attempt; the first end of an attempt wins',
      async () => {
        await store.saveRunRequest({ runId: 'r2', workflow: workflowOf('acme/repo/ci') });
        // Start and end in one batch, then a retry; the cancel after the retry's wait ends
        // attempt 2, not the ended attempt 1.
        await store.appendEvents([
          job('r2', 's.a.flaky', 'running', 1, T),
          job('r2', 's.a.flaky', 'waiting', 1, T + 2000),
        ]);
        await store.appendEvents([job('r2', 's.a.flaky', 'running', 2, T + 3000)]);
        await store.appendEvents([job('r2', 's.a.flaky', 'cancelled', 2, T + 4000)]);
        await store.appendEvents([job('r2', 's.a.flaky', 'cancelled', 1, T + 9000)]);
        expect(
          (await rows('r2')).map((r) => [r.attempt, r.startedAt, r.finishedAt, r.status]),
        ).toEqual([
          [1, T, T + 2000, 'retried'],
          [2, T + 3000, T + 4000, 'cancelled'],
        ]);
      },
    );

    it.skipIf(!available)(
      'writes one row per fan-out instance, and nothing for jobs that never ran',
      async () => {
        await store.saveRunRequest({ runId: 'r3', workflow: workflowOf('beta/repo/fan') });
        const instances = Array.from({ length: 150 }, (_, i) => `s.a.inst-${i}`);
        // The fan-out job itself runs nothing: its row goes at its first progress event.
        await store.appendEvents([job('r3', 's.a.fan', 'running', 1, T)]);
        expect((await rows('r3')).map((r) => r.jobPath)).toEqual(['s.a.fan']);
        await store.appendEvents([
          { ...job('r3', 's.a.fan', 'running', 1, T), data: { fanOutProgress: { started: 0 } } },
          ...instances.map((p, i) => job('r3', p, 'running', 1, T + i)),
        ]);
        await store.appendEvents([
          ...instances.map((p, i) => job('r3', p, 'succeeded', 1, T + 1000 + i)),
          {
            ...job('r3', 's.a.fan', 'succeeded', 1, T + 2000),
            outputs: { 'fan-out.total': '150' },
          },
          job('r3', 's.a.skipped', 'skipped', 0, T + 2000),
          job('r3', 's.a.reused', 'succeeded', 0, T + 2000),
          { runId: 'r3', time: T + 2000, scope: 'action', path: 's.a', status: 'succeeded' },
        ]);
        const stored = await rows('r3');
        expect(stored).toHaveLength(150);
        expect(stored.some((r) => r.jobPath === 's.a.fan')).toBe(false);
        expect(stored.every((r) => r.organization === 'beta' && r.status === 'succeeded')).toBe(
          true,
        );
      },
    );

    it.skipIf(!available)(
      "reads a fan-out's instances from its progress events when their own are live-only",
      async () => {
        await store.saveRunRequest({ runId: 'r5', workflow: workflowOf('acme/repo/fan') });
        const fan = (time: number, progress: object): NewEngineEvent => ({
          ...job('r5', 's.a.fan', 'running', 1, time),
          data: { fanOutProgress: { total: 5, ...progress } },
        });
        const live = (name: string, status: NewEngineEvent['status'], time: number) => ({
          ...job('r5', `s.a.${name}`, status, 1, time),
          liveOnly: true as const,
        });
        await store.appendEvents([job('r5', 's.a.fan', 'running', 1, T)]);
        await store.appendEvents([
          live('i0', 'running', T + 10),
          live('i1', 'running', T + 20),
          fan(T + 250, {
            ended: [],
            active: [
              { name: 'i0', status: 'running', attempt: 1 },
              { name: 'i1', status: 'running', attempt: 1 },
            ],
          }),
        ]);
        await store.appendEvents([
          fan(T + 500, {
            ended: [
              { name: 'i0', status: 'succeeded', attempt: 1, durationMs: 300 },
              { name: 'i2', status: 'failed', attempt: 1, durationMs: 100 },
            ],
            active: [
              { name: 'i1', status: 'running', attempt: 1 },
              { name: 'i3', status: 'waiting', attempt: 1 },
            ],
          }),
        ]);
        await store.appendEvents([
          fan(T + 750, {
            ended: [
              { name: 'i1', status: 'succeeded', attempt: 1, durationMs: 700 },
              { name: 'i3', status: 'succeeded', attempt: 2, durationMs: 600 },
              { name: 'i4', status: 'skipped', attempt: 0 },
            ],
            active: [],
          }),
          {
            ...job('r5', 's.a.fan', 'failed', 1, T + 760),
            outputs: { 'fan-out.total': '5' },
          },
        ]);
        expect(
          (await rows('r5')).map((r) => [
            r.jobPath,
            r.attempt,
            r.startedAt,
            r.finishedAt,
            r.status,
          ]),
        ).toEqual([
          // i0: listed running at +250 (its start as first seen), ended at +500.
          ['s.a.i0', 1, T + 250, T + 500, 'succeeded'],
          ['s.a.i1', 1, T + 250, T + 750, 'succeeded'],
          // i2 started and ended between two progress events: started its duration before its end.
          ['s.a.i2', 1, T + 400, T + 500, 'failed'],
          ['s.a.i3', 1, T + 500, T + 500, 'retried'],
          ['s.a.i3', 2, T + 750, T + 750, 'succeeded'],
        ]);
      },
    );

    it.skipIf(!available)(
      'a repeated start (re-attached after a restart) changes nothing, and a run stored earlier is found',
      async () => {
        await store.saveRunRequest({ runId: 'r4', workflow: workflowOf('gamma/repo/ci') });
        await store.flushed();
        // A new writer: nothing remembered, the organisation comes from the stored row.
        const restarted = new TypeOrmRunStore(test.db, undefined, new JobAttemptWriter(test.db));
        await restarted.appendEvents([job('r4', 's.a.job', 'running', 1, T)]);
        await restarted.appendEvents([job('r4', 's.a.job', 'running', 1, T + 500)]);
        expect(await rows('r4')).toMatchObject([
          { organization: 'gamma', orchestrator: 'unknown', startedAt: T, finishedAt: null },
        ]);
      },
    );
  });
}
