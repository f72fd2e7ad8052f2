/** Conformance cases for `append` and `read`: ranges, attempts, idempotency, atomicity, content. */
import { expect, it } from 'vitest';
import type { JobLogLine } from '@containerops/core';
import type { LogStoreHarness } from './log-store-harness.js';
import { logLine, logLines, positions, range } from './log-store-harness.js';

export function registerAppendCases(h: LogStoreHarness): void {
  it('append then read returns every field, by range (afterSeq, limit)', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const lines = logLines(run, 'build.compile.go', 1, 1, 10).map((line, i) => ({
        ...line,
        stream: (['stdout', 'stderr', 'system'] as const)[i % 3] ?? 'stdout',
        time: 1_700_000_000_000 + i * 7,
      }));
      await store.append(lines.slice(0, 4));
      await store.append(lines.slice(4));
      const query = { runId: run, jobPath: 'build.compile.go', attempt: 1 };
      expect(await store.read(query)).toEqual(lines);
      expect(positions(await store.read({ ...query, afterSeq: 3, limit: 4 }))).toEqual(
        range(1, 4, 7),
      );
      expect(positions(await store.read({ ...query, afterSeq: 8 }))).toEqual(range(1, 9, 10));
      expect(await store.read({ ...query, afterSeq: 10 })).toEqual([]);
      expect(await store.read({ ...query, limit: 0 })).toEqual([]);
      expect(await store.read({ ...query, jobPath: 'build.compile.other' })).toEqual([]);
      expect(await store.read({ ...query, runId: runId() })).toEqual([]);
    });
  });

  it('read by attempt, and every attempt ordered by attempt then seq', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 'test.unit.go-test';
      // Stored out of order on purpose: order comes from (attempt, seq), not from arrival.
      await store.append(logLines(run, job, 2, 1, 2));
      await store.append(logLines(run, job, 1, 1, 3));
      await store.append(logLines(run, job, 3, 1, 1));
      const all = { runId: run, jobPath: job };
      expect(positions(await store.read(all))).toEqual(['1:1', '1:2', '1:3', '2:1', '2:2', '3:1']);
      expect(positions(await store.read({ ...all, attempt: 2 }))).toEqual(['2:1', '2:2']);
      expect(await store.read({ ...all, attempt: 4 })).toEqual([]);
      // Without attempt, afterSeq applies to each attempt's own numbering.
      expect(positions(await store.read({ ...all, afterSeq: 1 }))).toEqual(['1:2', '1:3', '2:2']);
      expect(positions(await store.read({ ...all, limit: 4 }))).toEqual([
        '1:1',
        '1:2',
        '1:3',
        '2:1',
      ]);
    });
  });

  it('re-appending stored lines is a no-op: no duplicates, the first copy wins', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 's.a.j';
      await store.append(logLines(run, job, 1, 1, 5));
      await store.append(logLines(run, job, 1, 1, 5));
      await store.append(logLines(run, job, 1, 3, 8, { text: 'retried copy' }));
      const stored = await store.read({ runId: run, jobPath: job, attempt: 1 });
      expect(positions(stored)).toEqual(range(1, 1, 8));
      // Engine-sized batches overlapping what is stored, lines of two attempts mixed.
      await store.append([...logLines(run, job, 2, 1, 150), ...logLines(run, job, 1, 1, 8)]);
      await store.append([...logLines(run, job, 2, 100, 300), ...logLines(run, job, 1, 9, 10)]);
      expect(positions(await store.read({ runId: run, jobPath: job }))).toEqual([
        ...range(1, 1, 10),
        ...range(2, 1, 300),
      ]);
      expect(stored.map((line) => line.text)).toEqual([
        ...logLines(run, job, 1, 1, 5).map((line) => line.text),
        'retried copy',
        'retried copy',
        'retried copy',
      ]);
      await store.append([]);
      expect(await store.read({ runId: run, jobPath: job })).toHaveLength(310);
    });
  });

  it('keeps many jobs and runs apart when their lines arrive interleaved', async () => {
    await h.with(async ({ store, runId }) => {
      const runs = [runId(), runId()];
      const jobs = Array.from({ length: 10 }, (_, i) => `stage.action.job-${i}`);
      const perJob = 60;
      // Each batch holds a few lines of every job of both runs, like the engine's outbox.
      for (let from = 1; from <= perJob; from += 6) {
        const batch: JobLogLine[] = [];
        for (let seq = from; seq < from + 6; seq++)
          for (const run of runs) for (const job of jobs) batch.push(logLine(run, job, 1, seq));
        await store.append(batch);
      }
      for (const run of runs) {
        for (const job of jobs) {
          const lines = await store.read({ runId: run, jobPath: job });
          expect(positions(lines)).toEqual(range(1, 1, perJob));
          expect(lines.every((line) => line.runId === run && line.jobPath === job)).toBe(true);
        }
      }
    });
  });

  it('stores unicode text exactly (emoji, CJK, RTL, combining marks, tabs, empty lines)', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const texts = [
        '✅ tests passed 🎉',
        '👩‍👩‍👧‍👦 family (ZWJ sequence)',
        '构建成功 — ビルド成功 — 빌드 성공',
        'مرحبا بالعالم',
        'e\u0301 n\u0303 (combining marks)',
        '\ttabbed\tcolumns\t',
        '',
        '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 outside the BMP',
        '\u001b[32mgreen\u001b[0m ANSI colours',
      ];
      const lines = texts.map((text, i) => logLine(run, 'u.n.i', 1, i + 1, { text }));
      await store.append(lines);
      expect((await store.read({ runId: run, jobPath: 'u.n.i' })).map((l) => l.text)).toEqual(
        texts,
      );
    });
  });

  it('stores 64 KiB lines whole', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const ascii = 'x'.repeat(64 * 1024);
      const wide = 'é漢🎉'.repeat(8 * 1024); // 64 KiB of UTF-16 code units, ~88 KiB of UTF-8
      const lines = [
        logLine(run, 'big.lines.job', 1, 1, { text: ascii }),
        logLine(run, 'big.lines.job', 1, 2, { text: wide }),
        logLine(run, 'big.lines.job', 1, 3, { text: `${ascii}\u00e9` }),
      ];
      await store.append(lines);
      const stored = await store.read({ runId: run, jobPath: 'big.lines.job' });
      expect(stored.map((line) => line.text.length)).toEqual(lines.map((l) => l.text.length));
      expect(stored.map((line) => line.text === lines[line.seq - 1]?.text)).toEqual([
        true,
        true,
        true,
      ]);
    });
  });

  const invalid: readonly [string, Record<string, unknown>][] = [
    ['seq 0', { seq: 0 }],
    ['a fractional seq', { seq: 2.5 }],
    ['a negative attempt', { attempt: -1 }],
    ['an unknown stream', { stream: 'stdin' }],
    ['a text that is not a string', { text: 42 }],
    ['an empty runId', { runId: '' }],
    ['an empty jobPath', { jobPath: '' }],
    ['a time that is not a number', { time: Number.NaN }],
  ];
  for (const [what, fields] of invalid) {
    it(`a batch holding a line with ${what} rejects and stores nothing of the batch`, async () => {
      await h.with(async ({ store, runId }) => {
        const run = runId();
        const bad = { ...logLine(run, 'bad.batch.job', 1, 3), ...fields } as unknown as JobLogLine;
        const batch = [
          logLine(run, 'bad.batch.other', 1, 1),
          ...logLines(run, 'bad.batch.job', 1, 1, 2),
          bad,
          logLine(run, 'bad.batch.job', 1, 4),
        ];
        await expect(store.append(batch)).rejects.toThrow();
        expect(await store.read({ runId: run, jobPath: 'bad.batch.job' })).toEqual([]);
        expect(await store.read({ runId: run, jobPath: 'bad.batch.other' })).toEqual([]);
        // The store still works after the rejected batch.
        await store.append(logLines(run, 'bad.batch.job', 1, 1, 2));
        expect(positions(await store.read({ runId: run, jobPath: 'bad.batch.job' }))).toEqual(
          range(1, 1, 2),
        );
      });
    });
  }
}
