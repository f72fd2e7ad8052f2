/**
 * `TypeOrmRunStore.saved(runId)` (what a webhook's fast accept waits for): it resolves once the
 * run's queued request and snapshot are committed — a fresh reader on the database sees the row
 * — and does not wait for saves queued after the call, by this run or others.
 */
import type { RunRequest, RunSnapshot, WorkflowDefinition } from '@containerops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEntity } from '../db/entities.js';
import { openTestDatabase } from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import { TypeOrmRunStore } from './typeorm-run-store.js';

const workflow = { uri: 'acme/repo/ci', stages: [] } as unknown as WorkflowDefinition;

function snapshot(runId: string, status: RunSnapshot['status']): RunSnapshot {
  return {
    runId,
    workflow: workflow.uri,
    workflowVersion: 1,
    status,
    createdAt: 1000,
    trigger: { type: 'github' },
    stages: [],
    lastSeq: 0,
  };
}

describe('TypeOrmRunStore.saved on sqlite', () => {
  let test: TestDatabase;
  let store: TypeOrmRunStore;
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    store = new TypeOrmRunStore(test.db);
  });
  afterAll(async () => {
    await test?.cleanup();
  });

  it('resolves true once the queued request and snapshot are committed', async () => {
    const request: RunRequest = { runId: 'r-saved', workflow };
    void store.saveRunRequest(request);
    void store.saveRun(snapshot('r-saved', 'queued'));
    expect(await store.saved('r-saved')).toBe(true);
    const row = await test.db.manager.findOne(RunEntity, {
      where: { id: 'r-saved' },
      select: { id: true, status: true, request: true },
    });
    expect(row?.status).toBe('queued');
    expect(row?.request).toEqual(expect.any(String));
    expect(store.unsavedRuns).toBe(0);
  });

  it('resolves at once for a run with nothing queued', async () => {
    expect(await store.saved('never-saved')).toBe(true);
  });

  it('does not wait for saves queued after the call', async () => {
    void store.saveRun(snapshot('r-moving', 'queued'));
    const saved = store.saved('r-moving');
    // Once the first batch is writing, this run (and another) queue newer snapshots.
    await new Promise((resolve) => setImmediate(resolve));
    void store.saveRun(snapshot('r-moving', 'running'));
    void store.saveRun(snapshot('r-other', 'queued'));
    expect(await saved).toBe(true);
    const row = await test.db.manager.findOneBy(RunEntity, { id: 'r-moving' });
    expect(row).not.toBeNull();
    await store.flushed();
  });
});
