/**
 * The test-support file stores the restart test relies on: what a killed process stored is read
 * back by the next one, a batch cut short by the kill is dropped whole, numbering continues.
 */
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobLogLine, NewEngineEvent, RunSnapshot } from '@containerops/core';
import { FileLogSink } from '../support/file-log-sink.js';
import { FileRunStore } from '../support/file-run-store.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'co-file-stores-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const event = (runId: string, status: 'queued' | 'running'): NewEngineEvent => ({
  runId,
  time: 1,
  scope: 'run',
  path: '',
  status,
});
const line = (seq: number): JobLogLine => ({
  runId: 'r',
  jobPath: 's.a.j',
  attempt: 1,
  seq,
  stream: 'stdout',
  text: `line ${seq}`,
  time: seq,
});
const snapshot = (runId: string, status: RunSnapshot['status']): RunSnapshot => ({
  runId,
  workflow: 'w',
  workflowVersion: 1,
  status,
  createdAt: runId === 'a' ? 1 : 2,
  stages: [],
  lastSeq: 0,
});

describe('FileRunStore (test support)', () => {
  it('reopens with its events, snapshots and requests; drops a torn batch; seqs continue', async () => {
    const dir = await freshDir();
    const first = await FileRunStore.open(dir);
    await first.appendEvents([event('a', 'queued'), event('a', 'running')]);
    await first.saveRun(snapshot('a', 'running'));
    await first.saveRun(snapshot('b', 'succeeded'));
    await first.close();
    await appendFile(join(dir, 'events.jsonl'), '[{"runId":"a","seq":3'); // killed mid-write

    const second = await FileRunStore.open(dir);
    expect((await second.readEvents({ runId: 'a' })).map((e) => e.seq)).toEqual([1, 2]);
    expect((await second.appendEvents([event('a', 'running')]))[0]?.seq).toBe(3);
    expect((await second.listUnfinishedRuns()).map((r) => r.runId)).toEqual(['a']);
    expect(await second.getRun('b')).toMatchObject({ status: 'succeeded' });
    await second.close();
    const text = await readFile(join(dir, 'events.jsonl'), 'utf8');
    expect(text.split('\n').filter((l) => l !== '')).toHaveLength(2);
  });
});

describe('FileLogSink (test support)', () => {
  it('keeps lines across reopen, ignores lines already stored, reads read-only', async () => {
    const dir = await freshDir();
    const sink = await FileLogSink.open(dir);
    await sink.append([line(1), line(2)]);
    await sink.append([line(2), line(3)]); // a retried batch
    await sink.close();
    const watcher = await FileLogSink.open(dir, { readOnly: true });
    expect((await watcher.read({ runId: 'r', jobPath: 's.a.j' })).map((l) => l.seq)).toEqual([
      1, 2, 3,
    ]);
    await expect(watcher.append([line(4)])).rejects.toThrow(/read-only/);
  });
});
