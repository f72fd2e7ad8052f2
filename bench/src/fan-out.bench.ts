/**
 * Fan-out at scale (issue 16): one run whose job fans out over a 1,000 × 100 matrix (100,000
 * instances) on the fake orchestrator with the in-memory store, `max-parallel: 1000`. Reports
 * instances/s (100,000 / wall of the whole run, parse excluded) and the peak RSS sampled every
 * 10 ms. Targets: ≥ 5,000 instances/s, ≤ 500 MB RSS.
 */
import { performance } from 'node:perf_hooks';
import { Engine, parseWorkflow } from '@containerops/core';
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

async function main(): Promise<void> {
  const parsed = parseWorkflow(workflowYaml());
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  const workflow = parsed.workflow;
  const instances = A * B;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);

  const rates: number[] = [];
  const walls: number[] = [];
  let events = 0;
  for (let r = 0; r < REPEATS; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    // A fresh engine (and in-memory store) per repeat, as a fresh process would have.
    const engine = new Engine({ orchestrator: new FakeOrchestrator() });
    const t0 = performance.now();
    const final = await engine.start(workflow).done;
    const wall = performance.now() - t0;
    if (final.status !== 'succeeded') throw new Error(`run ${final.status}: ${final.reason}`);
    const fan = final.stages[0]?.actions[0]?.jobs[0]?.fanOut;
    if (fan?.passed !== instances) throw new Error(`passed ${fan?.passed} of ${instances}`);
    events = (await engine.store.readEvents({ runId: final.runId })).length;
    walls.push(wall);
    rates.push(instances / (wall / 1000));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  clearInterval(sampler);
  const results = {
    method: `one job, matrix ${A} x ${B} (${instances} instances), max-parallel ${MAX_PARALLEL}, fake jobs that exit at once, in-memory store; instances / wall of the run; RSS sampled every 10 ms over all repeats`,
    instances,
    maxParallel: MAX_PARALLEL,
    repeats: REPEATS,
    instancesPerSecondMedian: round(median(rates), 0),
    instancesPerSecondByRepeat: rates.map((v) => round(v, 0)),
    wallMsByRepeat: walls.map((v) => round(v, 0)),
    eventsPerRun: events,
    peakRssMB: round(peakRss / 1e6, 1),
    targets: { instancesPerSecond: 5000, peakRssMB: 500 },
    note: 'measured on a shared machine (other sessions running); figures are as measured',
  };
  const file = await writeResults('fan-out', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
