import { describe, expect, it } from 'vitest';
import type { JobLogLine } from '../engine/index.js';
import { MemoryLogSink } from './memory-log-sink.js';

function line(jobPath: string, attempt: number, seq: number, runId = 'r1'): JobLogLine {
  return {
    runId,
    jobPath,
    attempt,
    seq,
    stream: 'stdout',
    text: `${jobPath}#${attempt}:${seq}`,
    time: seq,
  };
}

describe('MemoryLogSink', () => {
  it('keeps lines per run, job and attempt, in order', async () => {
    const sink = new MemoryLogSink();
    await sink.append([line('s.a.j', 1, 1), line('s.a.j', 1, 2), line('s.a.k', 1, 1)]);
    await sink.append([line('s.a.j', 2, 1), line('s.a.j', 1, 3), line('s.a.j', 1, 1, 'r2')]);
    const texts = async (q: Parameters<MemoryLogSink['read']>[0]) =>
      (await sink.read(q)).map((l) => l.text);
    expect(await texts({ runId: 'r1', jobPath: 's.a.j', attempt: 1 })).toEqual([
      's.a.j#1:1',
      's.a.j#1:2',
      's.a.j#1:3',
    ]);
    expect(await texts({ runId: 'r1', jobPath: 's.a.j' })).toEqual([
      's.a.j#1:1',
      's.a.j#1:2',
      's.a.j#1:3',
      's.a.j#2:1',
    ]);
    expect(
      await texts({ runId: 'r1', jobPath: 's.a.j', attempt: 1, afterSeq: 1, limit: 1 }),
    ).toEqual(['s.a.j#1:2']);
    expect(await texts({ runId: 'r2', jobPath: 's.a.j' })).toEqual(['s.a.j#1:1']);
    expect(await texts({ runId: 'r1', jobPath: 'nope' })).toEqual([]);
    expect(await texts({ runId: 'r1', jobPath: 's.a.j', attempt: 9 })).toEqual([]);
  });
});
