/**
 * SQLite log store (issue 5, bench (a)): ingest of one job's output in engine-style batches, and
 * follow latency. Target: >= 200,000 lines/s for 80-byte lines in batches of 500-1,000.
 *
 * - ingest: LINES lines of 80 bytes (ASCII) for one job, appended in batches of 1,000 and of 500
 *   on a fresh file each repeat (WAL, synchronous=NORMAL, the plugin's defaults); lines/s and MB/s
 *   of text over the summed time of the `append` calls (building the batches is not timed), the
 *   file size with its WAL and after close (checkpointed), and the process RSS after every batch. Median of REPEATS. A shorter run with
 *   synchronous=FULL shows what an fsync per append costs.
 * - follow latency: one follow on the job; single lines appended every ~1 ms; latency = the time
 *   the follow yields the line - the time `append` was called. p50 / p99 over SAMPLES lines.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSqliteLogStore } from '@containerops/logstore-sqlite';
import type { SqliteLogStoreOptions } from '@containerops/logstore-sqlite';
import type { JobLogLine } from '@containerops/core';
import { median, percentile, round } from './stats.js';
import { writeResults } from './results.js';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2000);
const LINE_BYTES = 80;

/** An 80-byte line of typical build output, numbered so no two are equal. */
function text(seq: number): string {
  const head = `[build] compiling module ${seq} `;
  return head + '.'.repeat(LINE_BYTES - head.length);
}

function batch(runId: string, from: number, size: number, time: number): JobLogLine[] {
  const lines: JobLogLine[] = [];
  for (let seq = from; seq < from + size; seq++)
    lines.push({
      runId,
      jobPath: 'build.compile.go',
      attempt: 1,
      seq,
      stream: 'stdout',
      text: text(seq),
      time,
    });
  return lines;
}

async function fileBytes(path: string): Promise<number> {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm'])
    total += await stat(`${path}${suffix}`).then(
      (s) => s.size,
      () => 0,
    );
  return total;
}

interface IngestResult {
  linesPerSecond: number;
  megabytesPerSecond: number;
  seconds: number;
  fileMiB: number;
  fileWithWalMiB: number;
  peakRssMiB: number;
}

async function ingest(
  lines: number,
  batchSize: number,
  options: Partial<SqliteLogStoreOptions> = {},
): Promise<IngestResult> {
  const dir = await mkdtemp(join(tmpdir(), 'co-bench-logstore-'));
  const path = join(dir, 'logs.db');
  const store = createSqliteLogStore({ path, ...options });
  try {
    const runId = `bench-${Date.now()}`;
    // Each batch is built just before its append, as the engine would, but only the appends are
    // timed: the bench measures the store, not the building of line objects.
    let peakRss = process.memoryUsage.rss();
    let appendMs = 0;
    for (let from = 1; from <= lines; from += batchSize) {
      const b = batch(runId, from, Math.min(batchSize, lines - from + 1), Date.now());
      const t0 = performance.now();
      await store.append(b);
      appendMs += performance.now() - t0;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const seconds = appendMs / 1000;
    const stored = await store.read({ runId, jobPath: 'build.compile.go', afterSeq: lines - 1 });
    if (stored[0]?.seq !== lines) throw new Error(`last line not stored (got ${stored[0]?.seq})`);
    const withWalMiB = (await fileBytes(path)) / 2 ** 20;
    await store.close();
    // Closing checkpoints the WAL into the database and removes it: the size at rest.
    const fileMiB = (await fileBytes(path)) / 2 ** 20;
    return {
      linesPerSecond: Math.round(lines / seconds),
      megabytesPerSecond: round((lines * LINE_BYTES) / 1e6 / seconds, 1),
      seconds: round(seconds),
      fileMiB: round(fileMiB, 1),
      fileWithWalMiB: round(withWalMiB, 1),
      peakRssMiB: round(peakRss / 2 ** 20, 1),
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function medianOf(results: IngestResult[]): IngestResult & { repeats: IngestResult[] } {
  const sorted = [...results].sort((a, b) => a.linesPerSecond - b.linesPerSecond);
  const mid = sorted[Math.floor(sorted.length / 2)] as IngestResult;
  return { ...mid, repeats: results };
}

async function followLatency(
  samples: number,
): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'co-bench-logstore-'));
  const store = createSqliteLogStore({ path: join(dir, 'logs.db') });
  const runId = 'bench-follow';
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const controller = new AbortController();
  try {
    const following = (async () => {
      for await (const line of store.follow(
        { runId, jobPath: 'build.compile.go' },
        controller.signal,
      )) {
        latencies.push(performance.now() - (sentAt.get(line.seq) as number));
        if (latencies.length === samples) controller.abort();
      }
    })();
    for (let seq = 1; seq <= samples; seq++) {
      sentAt.set(seq, performance.now());
      await store.append(batch(runId, seq, 1, Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await following;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
}

async function main(): Promise<void> {
  // Warm-up: JIT and the SQLite page cache code paths.
  await ingest(50_000, 1000);
  const runs1000: IngestResult[] = [];
  const runs500: IngestResult[] = [];
  for (let i = 0; i < REPEATS; i++) {
    runs1000.push(await ingest(LINES, 1000));
    runs500.push(await ingest(LINES, 500));
  }
  const fullSync = await ingest(Math.min(LINES, 200_000), 1000, { synchronous: 'full' });
  const follow = await followLatency(SAMPLES);
  const results = {
    target: { linesPerSecond: 200_000 },
    lines: LINES,
    lineBytes: LINE_BYTES,
    repeats: REPEATS,
    batch1000: medianOf(runs1000),
    batch500: medianOf(runs500),
    batch1000SynchronousFull: fullSync,
    follow: { samples: SAMPLES, ...follow },
    medianLinesPerSecond1000: median(runs1000.map((r) => r.linesPerSecond)),
  };
  const file = await writeResults('logstore-sqlite', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`results written to ${file}`);
}

await main();
