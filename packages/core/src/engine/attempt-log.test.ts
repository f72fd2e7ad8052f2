import { describe, expect, it } from 'vitest';
import { MemoryLogSink } from '../stores/memory-log-sink.js';
import { MemoryRunStore } from '../stores/memory-run-store.js';
import { FakeOrchestrator } from '../testing/fake-orchestrator.js';
import { formatBytes } from './attempt-log.js';
import { Engine } from './engine.js';
import type { RunSnapshot } from './snapshot.js';
import { job, simple } from './testdata/workflows.js';

const jobOf = (run: RunSnapshot, path: string) =>
  run.stages
    .flatMap((s) => s.actions)
    .flatMap((a) => a.jobs)
    .find((j) => j.path === path);

/** 100 lines of exactly 10 bytes each (`line 00042`). */
const hundredLines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(5, '0')}`);

describe('per-attempt log size limit', () => {
  it('cuts the stored log with a final line, marks the job, and leaves its result and outputs alone', async () => {
    const logs = new MemoryLogSink();
    const store = new MemoryRunStore();
    const engine = new Engine({
      orchestrator: new FakeOrchestrator(),
      store,
      logs,
      maxLogBytesPerAttempt: 250,
    });
    const stdout = [...hundredLines, '[COUT] RESULT = kept'].join('\n');
    const { runId, done } = engine.start(simple([job('j', { FAKE_STDOUT: stdout })]));
    const final = await done;
    const path = 's.a.j';
    const j = jobOf(final, path);
    expect(final.status).toBe('succeeded');
    expect(j?.status).toBe('succeeded');
    expect(j?.outputs).toEqual({ RESULT: 'kept' });
    expect(j?.logTruncated).toMatchObject({
      cause: 'limit',
      attempt: 1,
      storedBytes: 250,
      limitBytes: 250,
      droppedLines: 101 - 25,
    });
    const stored = await logs.read({ runId, jobPath: path });
    // 25 lines of 10 bytes fit; the 26th is replaced by the marker; nothing after it is stored.
    expect(stored).toHaveLength(26);
    expect(stored.map((l) => l.seq)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(stored.at(-1)).toMatchObject({ stream: 'system' });
    expect(stored.at(-1)?.text).toContain('log truncated at 250 bytes (limit 250 bytes');
    // The stored result event carries the marker too (what a restarted server replays).
    const ended = (await store.readEvents({ runId })).find(
      (e) => e.scope === 'job' && e.status === 'succeeded',
    );
    expect(ended?.data?.['logTruncated']).toMatchObject({ cause: 'limit', storedBytes: 250 });
  });

  it('stores everything without a limit (0) and marks nothing', async () => {
    const logs = new MemoryLogSink();
    const engine = new Engine({ orchestrator: new FakeOrchestrator(), logs });
    const { runId, done } = engine.start(
      simple([job('j', { FAKE_STDOUT: hundredLines.join('\n') })]),
    );
    const final = await done;
    expect(jobOf(final, 's.a.j')?.logTruncated).toBeUndefined();
    expect(await logs.read({ runId, jobPath: 's.a.j' })).toHaveLength(100);
  });

  it('counts UTF-8 bytes, not characters', async () => {
    const logs = new MemoryLogSink();
    const engine = new Engine({
      orchestrator: new FakeOrchestrator(),
      logs,
      maxLogBytesPerAttempt: 10,
    });
    // "é" is 2 bytes, "😀" 4: 2 + 4 + 4 = 10 fits exactly, the next byte does not.
    const { runId, done } = engine.start(simple([job('j', { FAKE_STDOUT: 'é\n😀\n😀\nx' })]));
    await done;
    const stored = await logs.read({ runId, jobPath: 's.a.j' });
    expect(stored.map((l) => l.text.slice(0, 20))).toEqual([
      'é',
      '😀',
      '😀',
      'log truncated at 10 ',
    ]);
  });

  it('formats sizes for people', () => {
    expect(formatBytes(12)).toBe('12 bytes');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});
