import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobLogLine, NewEngineEvent } from '@containerops/core';
import { createSqliteLogStore } from '@containerops/logstore-sqlite';
import type { SqliteLogStore } from '@containerops/logstore-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import { EventEntity, RunEntity, TriggerDeliveryEntity } from '../db/entities.js';
import { RunNotificationEntity } from '../notifiers/notification.entity.js';
import { JobAttemptEntity } from '../db/job-attempt.entity.js';
import { JobAttemptWriter } from '../stores/job-attempt-writer.js';
import type { RunRow } from '../db/entities.js';
import { silentServerLogger } from '../logger.js';
import { TypeOrmRunStore } from '../stores/typeorm-run-store.js';
import { RetentionJob } from './retention-job.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2030, 0, 10);

let dir: string;
let db: Database;
let logs: SqliteLogStore;
let store: TypeOrmRunStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'co-retention-'));
  db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'state.db') }));
  logs = createSqliteLogStore({ path: join(dir, 'logs.db') });
  store = new TypeOrmRunStore(db);
});
afterEach(async () => {
  await logs.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function job(runsMs: number | undefined, workspaces?: (ids: readonly string[]) => Promise<number>) {
  return new RetentionJob({
    db,
    store,
    logs,
    config: { ...(runsMs === undefined ? {} : { runsMs }), intervalMs: 60_000, workspacesMs: DAY },
    log: silentServerLogger,
    ...(workspaces === undefined ? {} : { onRunsPruned: workspaces }),
  });
}

/** A run row (with a snapshot of `snapshotBytes`), `events` events and `lines` log lines. */
async function addRun(
  id: string,
  at: { created: number; finished: number | null },
  sizes: { events?: number; lines?: number; snapshotBytes?: number } = {},
): Promise<void> {
  const row: RunRow = {
    id,
    workflowUri: 'default/demo/retention',
    organization: 'default',
    status: at.finished === null ? 'running' : 'succeeded',
    triggerType: 'api',
    triggeredBy: 'admin',
    createdAt: at.created,
    startedAt: at.created,
    finishedAt: at.finished,
    snapshot: JSON.stringify({ runId: id, pad: 'x'.repeat(sizes.snapshotBytes ?? 10) }),
    request: null,
  };
  await db.manager.insert(RunEntity, row);
  const events: NewEngineEvent[] = Array.from({ length: sizes.events ?? 3 }, () => ({
    runId: id,
    time: at.created,
    scope: 'run',
    path: '',
    status: 'running',
  }));
  await store.appendEvents(events);
  const lines: JobLogLine[] = Array.from({ length: sizes.lines ?? 5 }, (_, i) => ({
    runId: id,
    jobPath: 'build.compile.job',
    attempt: 1,
    seq: i + 1,
    stream: 'stdout',
    text: `line ${i + 1} ${'y'.repeat(100)}`,
    time: at.created,
  }));
  for (let i = 0; i < lines.length; i += 5000) await logs.append(lines.slice(i, i + 5000));
}

async function counts(id: string): Promise<{ run: boolean; events: number; lines: number }> {
  return {
    run: (await db.manager.countBy(RunEntity, { id })) === 1,
    events: await db.manager.countBy(EventEntity, { runId: id }),
    lines: (await logs.read({ runId: id, jobPath: 'build.compile.job', limit: 100_000 })).length,
  };
}

describe('RetentionJob', () => {
  it('prunes finished runs older than the age with their events and log lines, and nothing else', async () => {
    await addRun('old-finished', { created: NOW - 5 * DAY, finished: NOW - 4 * DAY });
    await addRun('new-finished', { created: NOW - 5 * DAY, finished: NOW - DAY / 2 });
    // Started long ago and still running: neither the run nor its old log lines may go.
    await addRun('old-running', { created: NOW - 5 * DAY, finished: null });
    await db.manager.insert(TriggerDeliveryEntity, [
      delivery('d-old', NOW - 4 * DAY),
      delivery('d-new', NOW - DAY / 2),
    ]);
    const notified = (runId: string) => ({
      id: `n-${runId}`,
      runId,
      receiverType: 'mail',
      runStatus: 'succeeded',
      outcome: 'delivered' as const,
      attempts: 1,
      error: null,
      at: NOW - 4 * DAY,
    });
    await db.manager.insert(RunNotificationEntity, [
      notified('old-finished'),
      notified('new-finished'),
    ]);

    const result = await job(DAY).runOnce(NOW);

    expect(result).toEqual({ runs: 1, logLines: 5, deliveries: 1, workspaces: 0 });
    expect(await counts('old-finished')).toEqual({ run: false, events: 0, lines: 0 });
    expect(await counts('new-finished')).toEqual({ run: true, events: 3, lines: 5 });
    expect(await counts('old-running')).toEqual({ run: true, events: 3, lines: 5 });
    expect((await db.manager.find(TriggerDeliveryEntity)).map((d) => d.id)).toEqual(['d-new']);
    expect((await db.manager.find(RunNotificationEntity)).map((n) => n.runId)).toEqual([
      'new-finished',
    ]);
    // A second pass finds nothing more.
    expect(await job(DAY).runOnce(NOW)).toEqual({
      runs: 0,
      logLines: 0,
      deliveries: 0,
      workspaces: 0,
    });
  });

  it('deletes the job attempts of the runs it prunes, and only those', async () => {
    store = new TypeOrmRunStore(db, undefined, new JobAttemptWriter(db));
    await addRun('old-finished', { created: NOW - 5 * DAY, finished: NOW - 4 * DAY });
    await addRun('old-running', { created: NOW - 5 * DAY, finished: null });
    for (const runId of ['old-finished', 'old-running']) {
      const started = { runId, time: NOW - 5 * DAY, scope: 'job', attempt: 1 } as const;
      await store.appendEvents([
        { ...started, path: 'build.compile.job', status: 'running' },
        { ...started, path: 'build.compile.job', status: 'succeeded' },
        { ...started, path: 'build.compile.other', status: 'running' },
      ]);
    }
    expect(await db.manager.count(JobAttemptEntity)).toBe(4);

    await job(DAY).runOnce(NOW);

    const left = await db.manager.find(JobAttemptEntity, { order: { jobPath: 'ASC' } });
    expect(left.map((a) => [a.runId, a.jobPath, a.status])).toEqual([
      ['old-running', 'build.compile.job', 'succeeded'],
      ['old-running', 'build.compile.other', 'running'],
    ]);
  });

  it('keeps everything when no age is configured', async () => {
    await addRun('ancient', { created: 1, finished: 2 });
    expect(await job(undefined).runOnce(NOW)).toMatchObject({ runs: 0, logLines: 0 });
    expect(await counts('ancient')).toEqual({ run: true, events: 3, lines: 5 });
  });

  it('tells the workspace keeper which runs it pruned', async () => {
    await addRun('a', { created: NOW - 3 * DAY, finished: NOW - 3 * DAY });
    await addRun('b', { created: NOW - 3 * DAY, finished: NOW - 2 * DAY });
    const told: string[] = [];
    const result = await job(DAY, (ids) => {
      told.push(...ids);
      return Promise.resolve(ids.length);
    }).runOnce(NOW);
    expect(told.sort()).toEqual(['a', 'b']);
    expect(result.workspaces).toBe(2);
  });

  it('deletes log lines before the run rows: a failing log store leaves the rows for the next pass', async () => {
    await addRun('crash', { created: NOW - 3 * DAY, finished: NOW - 3 * DAY });
    const deleteRun = logs.deleteRun.bind(logs);
    logs.deleteRun = () => Promise.reject(new Error('log store down'));
    await expect(job(DAY).runOnce(NOW)).rejects.toThrow('log store down');
    expect(await counts('crash')).toMatchObject({ run: true, lines: 5 });
    logs.deleteRun = deleteRun;
    expect(await job(DAY).runOnce(NOW)).toMatchObject({ runs: 1, logLines: 5 });
    expect(await counts('crash')).toMatchObject({ run: false, lines: 0 });
  });

  it('always expires trigger deliveries (14 days by default), even when runs are kept', async () => {
    await db.manager.insert(TriggerDeliveryEntity, [
      delivery('d-15d', NOW - 15 * DAY),
      delivery('d-1d', NOW - DAY),
    ]);
    expect(await job(undefined).runOnce(NOW)).toMatchObject({ deliveries: 1 });
    expect((await db.manager.find(TriggerDeliveryEntity)).map((d) => d.id)).toEqual(['d-1d']);
  });

  it('keeps only the newest maxDeliveries delivery records', async () => {
    await db.manager.insert(
      TriggerDeliveryEntity,
      Array.from({ length: 5 }, (_, i) => delivery(`d${i}`, NOW - (i + 1) * 60_000)),
    );
    const capped = new RetentionJob({
      db,
      store,
      logs,
      config: { intervalMs: 60_000, workspacesMs: DAY, maxDeliveries: 2 },
      log: silentServerLogger,
    });
    expect(await capped.runOnce(NOW)).toMatchObject({ deliveries: 3 });
    const left = (await db.manager.find(TriggerDeliveryEntity)).map((d) => d.id).sort();
    expect(left).toEqual(['d0', 'd1']);
  });

  it('gives the freed pages of both SQLite files back: the files shrink after a prune', async () => {
    for (let i = 0; i < 300; i++) {
      await addRun(
        `bulk-${i}`,
        { created: NOW - 3 * DAY, finished: NOW - 3 * DAY },
        { events: 20, lines: 200, snapshotBytes: 20_000 },
      );
    }
    await addRun('keep', { created: NOW, finished: NOW });
    const retention = job(DAY);
    await job(undefined).runOnce(NOW); // checkpoint: the WAL is folded into the files
    const stateBefore = fileBytes(join(dir, 'state.db'));
    const logsBefore = fileBytes(join(dir, 'logs.db'));
    expect(stateBefore).toBeGreaterThan(6_000_000);
    expect(logsBefore).toBeGreaterThan(6_000_000);

    expect(await retention.runOnce(NOW)).toMatchObject({ runs: 300, logLines: 60_000 });

    expect(fileBytes(join(dir, 'state.db'))).toBeLessThan(stateBefore / 4);
    expect(fileBytes(join(dir, 'logs.db'))).toBeLessThan(logsBefore / 4);
    expect(fileBytes(join(dir, 'state.db-wal'))).toBeLessThan(1_000_000);
    expect(await counts('keep')).toEqual({ run: true, events: 3, lines: 5 });
  }, 120_000);
});

function delivery(id: string, receivedAt: number) {
  return {
    id,
    triggerType: 'generic',
    receivedAt,
    payloadHash: '0'.repeat(64),
    payloadSize: 0,
    status: 'accepted',
    runId: null,
    error: null,
  };
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
