import { describe, expect, it } from 'vitest';
import type { NewEngineEvent, RunSnapshot } from '../engine/index.js';
import { MemoryRunStore } from './memory-run-store.js';

function ev(
  runId: string,
  path = '',
  status: NewEngineEvent['status'] = 'running',
): NewEngineEvent {
  return { runId, time: 1, scope: path === '' ? 'run' : 'job', path, status };
}

function snapshot(runId: string): RunSnapshot {
  return {
    runId,
    workflow: 'a/b/c',
    workflowVersion: 1,
    status: 'running',
    createdAt: 1,
    lastSeq: 0,
    stages: [],
  };
}

describe('MemoryRunStore', () => {
  it('numbers events 1, 2, 3... across calls and runs, in the order given', async () => {
    const store = new MemoryRunStore();
    const a = await store.appendEvents([ev('r1'), ev('r2')]);
    const b = await store.appendEvents([ev('r1', 's.a.j')]);
    expect([...a, ...b].map((e) => [e.runId, e.seq])).toEqual([
      ['r1', 1],
      ['r2', 2],
      ['r1', 3],
    ]);
    expect(await store.appendEvents([])).toEqual([]);
  });

  it('reads after a seq, per run, with a limit', async () => {
    const store = new MemoryRunStore();
    await store.appendEvents([ev('r1'), ev('r2'), ev('r1', 'x'), ev('r1', 'y'), ev('r2', 'z')]);
    expect((await store.readEvents({})).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.readEvents({ afterSeq: 3 })).map((e) => e.seq)).toEqual([4, 5]);
    expect((await store.readEvents({ runId: 'r1' })).map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(
      (await store.readEvents({ runId: 'r1', afterSeq: 1, limit: 1 })).map((e) => e.seq),
    ).toEqual([3]);
    expect(await store.readEvents({ runId: 'nope' })).toEqual([]);
    expect(await store.readEvents({ afterSeq: 99 })).toEqual([]);
  });

  it('keeps copies of snapshots: later changes by either side do not leak', async () => {
    const store = new MemoryRunStore();
    const s = snapshot('r1');
    await store.saveRun(s);
    s.status = 'failed';
    const read = await store.getRun('r1');
    expect(read?.status).toBe('running');
    if (read) read.status = 'cancelled';
    expect((await store.getRun('r1'))?.status).toBe('running');
    await store.saveRun(s);
    expect((await store.getRun('r1'))?.status).toBe('failed');
    expect(await store.getRun('r2')).toBeUndefined();
    expect(store.listRunIds()).toEqual(['r1']);
  });
});
