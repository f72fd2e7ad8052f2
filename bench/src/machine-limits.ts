/**
 * The machine's own limits, measured in the same run as a bench so that its figures can be given
 * as ratios that mean the same on a fast or a slow machine (issue 18, item 1):
 *
 * - **bare spawn latency**: `spawn('true')` (detached, piped stdout/stderr, awaited to exit and
 *   stream close) one after another, from a small Node process (`node -e`, no engine, no tsx,
 *   ~40 MB): what starting one job costs at best here. A large process forks slower.
 * - **parallel spawn throughput**: the same spawns with several in flight, for a fixed time, from
 *   1 small process and from N at once (N = the cores Node reports): spawns per second. One
 *   process is bounded by its own event loop (libuv's fork + exec is synchronous); N processes by
 *   the machine. The N figure is the ceiling for jobs started per second by anything.
 * - **`cat` of a 100,000-line file** (`seq 1 100000`, 589 KB) into a pipe read by the small
 *   process: the floor for moving a job's 100,000 lines out of a child.
 *
 * Each figure is the median of several rounds; `loadAverage1m` is sampled before and after, since
 * on a shared machine every figure moves with the load.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median, round } from './stats.js';

/** What {@link measureMachineLimits} returns; every time in ms, every rate per second. */
export interface MachineLimits {
  readonly cores: number;
  /** Median of single spawns of `true` from a small process, one at a time. */
  readonly bareSpawnMs: number;
  /** Spawns of `true` per second from one small process keeping `inFlight` running. */
  readonly spawnsPerSecond1: number;
  /** The same from `cores` small processes at once (their sum): the machine's spawn ceiling. */
  readonly spawnsPerSecondN: number;
  /** Median wall of `cat` of a 100,000-line file into a pipe that the small process drains. */
  readonly cat100kLinesMs: number;
  readonly inFlight: number;
  readonly loadAverage1m: { readonly before: number; readonly after: number };
}

/** Lines of the file `cat` prints; the same count as the log-path benches' job. */
export const CAT_LINES = 100_000;

const IN_FLIGHT = 8;
const THROUGHPUT_MS = 2_000;
const ROUNDS = 3;

/**
 * The small process's program (plain JS, so nothing but Node itself loads). argv: mode
 * (`latency` | `throughput` | `cat`), then a count or duration, then for `cat` the file. Prints
 * one JSON line.
 */
const SMALL_PROCESS = String.raw`
const { spawn } = require('node:child_process');
const [mode, arg, file] = process.argv.slice(1);
function once(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let open = 3;
    const done = () => { if (--open === 0) resolve(performance.now() - t0); };
    child.stdout.on('close', done);
    child.stderr.on('close', done);
    child.on('exit', done);
    child.on('error', reject);
    child.stdout.resume();
    child.stderr.resume();
  });
}
async function main() {
  if (mode === 'latency') {
    const times = [];
    for (let i = 0; i < 20; i++) await once('true', []);
    for (let i = 0; i < Number(arg); i++) times.push(await once('true', []));
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)] };
  }
  if (mode === 'cat') {
    const times = [];
    for (let i = 0; i < 7; i++) times.push(await once('cat', [file]));
    times.sort((a, b) => a - b);
    return { ms: times[3] };
  }
  // throughput: keep ${IN_FLIGHT} spawns running until the time is up, after a warm-up.
  for (let i = 0; i < 20; i++) await once('true', []);
  const end = performance.now() + Number(arg);
  let count = 0;
  const t0 = performance.now();
  const loop = async () => { while (performance.now() < end) { await once('true', []); count++; } };
  await Promise.all(Array.from({ length: ${IN_FLIGHT} }, loop));
  return { perSecond: count / ((performance.now() - t0) / 1000) };
}
main().then((r) => process.stdout.write(JSON.stringify(r) + '\n'), (e) => { console.error(e); process.exit(1); });
`;

async function small<T>(args: readonly string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', SMALL_PROCESS, ...args], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as T;
}

/**
 * Spawns of `true` per second of `processes` small spawners started together (summed), over
 * `ms`: one sample of the parallel spawn limit, for benches that pair it with a window of theirs.
 */
export async function spawnThroughput(processes: number, ms = THROUGHPUT_MS): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: processes }, () =>
      small<{ perSecond: number }>(['throughput', String(ms)]),
    ),
  );
  return results.reduce((sum, r) => sum + r.perSecond, 0);
}

/** Spawns per second of `processes` small spawners started together (summed). */
async function throughput(processes: number): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: processes }, () =>
      small<{ perSecond: number }>(['throughput', String(THROUGHPUT_MS)]),
    ),
  );
  return results.reduce((sum, r) => sum + r.perSecond, 0);
}

/** Writes `seq 1 100000`'s output to a temp file; returns its path and a remover. */
async function lineFile(): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'co-bench-limits-'));
  const file = join(dir, 'lines.txt');
  let text = '';
  for (let i = 1; i <= CAT_LINES; i++) text += `${i}\n`;
  await writeFile(file, text);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Measures the limits described in the module comment (takes ~15 s on a 2-core machine). */
export async function measureMachineLimits(): Promise<MachineLimits> {
  const cores = availableParallelism();
  const before = loadavg()[0] ?? 0;
  const { file, remove } = await lineFile();
  try {
    const latency: number[] = [];
    const one: number[] = [];
    const all: number[] = [];
    const cat: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      latency.push((await small<{ ms: number }>(['latency', '100'])).ms);
      one.push(await throughput(1));
      all.push(await throughput(cores));
      cat.push((await small<{ ms: number }>(['cat', '', file])).ms);
    }
    return {
      cores,
      bareSpawnMs: round(median(latency)),
      spawnsPerSecond1: round(median(one), 1),
      spawnsPerSecondN: round(median(all), 1),
      cat100kLinesMs: round(median(cat)),
      inFlight: IN_FLIGHT,
      loadAverage1m: { before: round(before, 2), after: round(loadavg()[0] ?? 0, 2) },
    };
  } finally {
    await remove();
  }
}

/** `ours / limit`, rounded: how a bench reports a figure against the machine's. */
export function ratio(ours: number, limit: number): number {
  return round(ours / limit, 3);
}

// Run alone (`node --import tsx src/machine-limits.ts`): print the limits.
if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureMachineLimits(), null, 2));
}
