/**
 * Fan-out at scale (issue 16): one run whose job fans out over a 1,000 × 100 matrix (100,000
 * instances) on the fake orchestrator with the in-memory store, `max-parallel: 1000`. Reports
 * instances/s (100,000 / wall of the whole run, parse excluded) and the peak RSS sampled every
 * 10 ms. Targets: ≥ 5,000 instances/s, ≤ 500 MB RSS.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine, pageInstances, parseWorkflow } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { median, round } from './stats.js';
import { writeResults } from './results.js';

const A = Number(process.env.BENCH_AXIS_A ?? 1000);
const B = Number(process.env.BENCH_AXIS_B ?? 100);
const MAX_PARALLEL = Number(process.env.BENCH_MAX_PARALLEL ?? 1000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

function workflowYaml(): string {
  const values = (n: number): string => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
  return `uri: bench/fake/fan-out
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: test
            endpoint: bench/noop
            matrix:
              axes:
                shard: ${values(A)}
                db: ${values(B)}
              max-parallel: ${MAX_PARALLEL}
`;
}

interface RunFigures {
  readonly rate: number;
  readonly wall: number;
  readonly events: number;
  readonly peakRss: number;
  readonly pageP99Ms: number;
}

/** One run in this process: its rate, wall, events and the process's peak RSS. */
async function oneRun(): Promise<RunFigures> {
  const parsed = parseWorkflow(workflowYaml());
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  const instances = A * B;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const fake = new FakeOrchestrator();
  // The fake keeps every JobSpec and call it got, for test assertions: not the engine's memory
  // (a real backend keeps nothing in this process). Dropped as the run goes.
  const trim = setInterval(() => {
    fake.started.length = 0;
    fake.events.length = 0;
  }, 50);
  const engine = new Engine({ orchestrator: fake });
  const t0 = performance.now();
  const final = await engine.start(parsed.workflow).done;
  const wall = performance.now() - t0;
  clearInterval(trim);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (final.status !== 'succeeded') throw new Error(`run ${final.status}: ${final.reason}`);
  const fan = final.stages[0]?.actions[0]?.jobs[0]?.fanOut;
  if (fan?.passed !== instances) throw new Error(`passed ${fan?.passed} of ${instances}`);
  const events = (await engine.store.readEvents({ runId: final.runId })).length;
  // Reading one page of 100 instances from the final snapshot (what the API's `instances` does,
  // without GraphQL and HTTP): a middle page, and a status filter nothing matches (a full scan).
  const job = final.stages[0]?.actions[0]?.jobs[0];
  if (job === undefined) throw new Error('no job');
  const pageMs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    pageInstances(
      job,
      i % 2 === 0 ? { first: 100, after: 'i:50000' } : { first: 100, status: 'failed' },
    );
    pageMs.push(performance.now() - t);
  }
  pageMs.sort((x, y) => x - y);
  const pageP99Ms = pageMs[Math.floor(pageMs.length * 0.99)] ?? 0;
  return { rate: instances / (wall / 1000), wall, events, peakRss, pageP99Ms };
}

/** Each repeat in a fresh process (one run per process, as a fresh server would have it). */
async function main(): Promise<void> {
  if (process.env.BENCH_CHILD === '1') {
    process.stdout.write(`${JSON.stringify(await oneRun())}\n`);
    return;
  }
  const runs: RunFigures[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url)],
      { env: { ...process.env, BENCH_CHILD: '1' }, encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    runs.push(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as (typeof runs)[number]);
  }
  const results = {
    method: `one job, matrix ${A} x ${B} (${A * B} instances), max-parallel ${MAX_PARALLEL}, fake jobs that exit at once, in-memory store and log sink; each repeat one run in a fresh process; instances / wall of the run (parse excluded); peak RSS of that process sampled every 10 ms; the fake orchestrator's own record of every JobSpec is dropped as the run goes`,
    instances: A * B,
    maxParallel: MAX_PARALLEL,
    repeats: REPEATS,
    instancesPerSecondMedian: round(median(runs.map((r) => r.rate)), 0),
    instancesPerSecondByRepeat: runs.map((r) => round(r.rate, 0)),
    wallMsByRepeat: runs.map((r) => round(r.wall, 0)),
    eventsPerRun: runs[0]?.events,
    peakRssMB: round(Math.max(...runs.map((r) => r.peakRss)) / 1e6, 1),
    peakRssMBByRepeat: runs.map((r) => round(r.peakRss / 1e6, 1)),
    instancePageP99MsByRepeat: runs.map((r) => round(r.pageP99Ms, 2)),
    instancePageMethod:
      'pageInstances (core) on the final snapshot, 200 calls: first 100 after instance 50,000, and a status filter matching none (full scan); no GraphQL/HTTP',
    targets: { instancesPerSecond: 5000, peakRssMB: 500 },
    note: 'measured on a shared machine (other sessions running); figures are as measured',
  };
  const file = await writeResults('fan-out', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
