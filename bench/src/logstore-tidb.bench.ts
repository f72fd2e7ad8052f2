/**
 * TiDB log store (issue 13): ingest with ONE writer, and follow latency. Target: >= 50,000 lines/s
 * into TiDB for 80-byte lines.
 *
 * - ingest: LINES lines of 80 bytes for one job, appended by one writer (each `append` awaited
 *   before the next, as the engine's log outbox does) in batches of 1,000 and of 5,000, into a
 *   fresh table of a fresh database each repeat; lines/s over the summed time of the `append`
 *   calls (building the batches is not timed). Median of REPEATS. The same on MariaDB (same
 *   plugin) as a reference when it answers.
 * - follow latency: one follow on the job in the same process; single lines appended every ~1 ms;
 *   latency = the time the follow yields the line - the time `append` was called.
 * - CPU per 1,000 lines, of tidb-server (from /proc, found through the pid file of
 *   `scripts/tidb/ensure-tidb.sh`) and of this Node process: unlike lines/s, these hardly depend
 *   on what else the machine runs, so they say what the store costs.
 * - `uptime` before and after: the machine's 2 cores are shared with other work, which the
 *   lines/s depend on.
 *
 * Servers: TEST_TIDB_URL (default mysql://root@127.0.0.1:4000/test, `scripts/tidb/ensure-tidb.sh`:
 * `tidb-server -store unistore`, one process) and TEST_MYSQL_URL (MariaDB, default port 3306).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createConnection } from 'mysql2/promise';
import type { RowDataPacket } from 'mysql2/promise';
import type { JobLogLine } from '@containerops/core';
import { openTidbLogStore } from '@containerops/logstore-tidb';
import { percentile, round } from './stats.js';
import { writeResults } from './results.js';

const TIDB_URL = process.env.TEST_TIDB_URL ?? 'mysql://root@127.0.0.1:4000/test';
const MARIADB_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const LINES = Number(process.env.BENCH_LINES ?? 500_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
const LINE_BYTES = 80;

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

const TIDB_PID_FILE = join(
  process.env.CONTAINEROPS_SERVICES_DIR ?? '/var/lib/containerops-test-services',
  'tidb',
  'tidb.pid',
);

/** CPU ms (user + system) tidb-server has used so far, or undefined when it cannot be read. */
function tidbCpuMs(): number | undefined {
  try {
    const pid = readFileSync(TIDB_PID_FILE, 'utf8').trim();
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function uptime(): string {
  return execFileSync('uptime', { encoding: 'utf8' }).trim();
}

/** A fresh database on the server of `serverUrl`; returns its URL and a drop function. */
async function freshDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `co_bench_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const connection = await createConnection({ uri: serverUrl });
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}

async function answers(serverUrl: string): Promise<string | undefined> {
  try {
    const connection = await createConnection({ uri: serverUrl, connectTimeout: 3000 });
    const [rows] = await connection.query<RowDataPacket[]>('SELECT VERSION() AS v');
    await connection.end();
    return String(rows[0]?.['v']);
  } catch {
    return undefined;
  }
}

interface IngestResult {
  linesPerSecond: number;
  megabytesPerSecond: number;
  seconds: number;
  /** tidb-server's CPU per 1,000 lines (TiDB only, when its pid file is readable). */
  serverCpuMsPer1000Lines?: number;
  /** This process's CPU per 1,000 lines (the plugin and mysql2, building batches included). */
  clientCpuMsPer1000Lines: number;
}

async function ingest(serverUrl: string, lines: number, batchSize: number): Promise<IngestResult> {
  const database = await freshDatabase(serverUrl);
  const store = await openTidbLogStore({ url: database.url });
  try {
    const runId = `bench-${Date.now()}`;
    const serverCpu0 = tidbCpuMs();
    const clientCpu0 = process.cpuUsage();
    let appendMs = 0;
    for (let from = 1; from <= lines; from += batchSize) {
      const b = batch(runId, from, Math.min(batchSize, lines - from + 1), Date.now());
      const t0 = performance.now();
      await store.append(b);
      appendMs += performance.now() - t0;
    }
    const seconds = appendMs / 1000;
    const serverCpu1 = tidbCpuMs();
    const clientCpu = process.cpuUsage(clientCpu0);
    const stored = await store.read({ runId, jobPath: 'build.compile.go', afterSeq: lines - 1 });
    if (stored[0]?.seq !== lines) throw new Error(`last line not stored (got ${stored[0]?.seq})`);
    const thousands = lines / 1000;
    return {
      linesPerSecond: Math.round(lines / seconds),
      megabytesPerSecond: round((lines * LINE_BYTES) / 1e6 / seconds, 1),
      seconds: round(seconds),
      ...(serverUrl === TIDB_URL && serverCpu0 !== undefined && serverCpu1 !== undefined
        ? { serverCpuMsPer1000Lines: round((serverCpu1 - serverCpu0) / thousands, 1) }
        : {}),
      clientCpuMsPer1000Lines: round((clientCpu.user + clientCpu.system) / 1000 / thousands, 1),
    };
  } finally {
    await store.close();
    await database.drop();
  }
}

function medianOf(results: IngestResult[]): IngestResult & { repeats: IngestResult[] } {
  const sorted = [...results].sort((a, b) => a.linesPerSecond - b.linesPerSecond);
  const mid = sorted[Math.floor(sorted.length / 2)] as IngestResult;
  return { ...mid, repeats: results };
}

async function followLatency(
  serverUrl: string,
  samples: number,
): Promise<{ p50Ms: number; p99Ms: number; maxMs: number }> {
  const database = await freshDatabase(serverUrl);
  const store = await openTidbLogStore({ url: database.url });
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
    await database.drop();
  }
  return {
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
}

async function server(serverUrl: string, version: string): Promise<Record<string, unknown>> {
  // Warm-up: JIT, connection pool, the server's plan cache.
  await ingest(serverUrl, 20_000, 1000);
  const runs1000: IngestResult[] = [];
  const runs5000: IngestResult[] = [];
  for (let i = 0; i < REPEATS; i++) {
    runs1000.push(await ingest(serverUrl, LINES, 1000));
    runs5000.push(await ingest(serverUrl, LINES, 5000));
  }
  return {
    version,
    batch1000: medianOf(runs1000),
    batch5000: medianOf(runs5000),
    follow: { samples: SAMPLES, ...(await followLatency(serverUrl, SAMPLES)) },
  };
}

async function main(): Promise<void> {
  const tidbVersion = await answers(TIDB_URL);
  if (tidbVersion === undefined || !tidbVersion.includes('TiDB'))
    throw new Error(`no TiDB at ${TIDB_URL}; start it with bash scripts/tidb/ensure-tidb.sh`);
  const loadBefore = uptime();
  const tidb = await server(TIDB_URL, tidbVersion);
  const loadAfterTidb = uptime();
  const mariadbVersion = await answers(MARIADB_URL);
  const mariadb =
    mariadbVersion === undefined ? undefined : await server(MARIADB_URL, mariadbVersion);
  const results = {
    target: { linesPerSecond: 50_000, writers: 1 },
    lines: LINES,
    lineBytes: LINE_BYTES,
    repeats: REPEATS,
    tidb: { ...tidb, uptimeBefore: loadBefore, uptimeAfter: loadAfterTidb },
    ...(mariadb === undefined ? {} : { mariadb: { ...mariadb, uptimeAfter: uptime() } }),
  };
  const file = await writeResults('logstore-tidb', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`results written to ${file}`);
}

await main();
