/**
 * Engine throughput on the fake orchestrator with the in-memory store (issue 2, bench b):
 * 5,000 jobs in parallel actions (one parallel stage of 50 actions × 100 jobs). Reports jobs/s
 * (5,000 / wall) and the peak RSS sampled every 10 ms. Targets: ≥ 5,000 jobs/s, ≤ 300 MB RSS.
 */
import { performance } from 'node:perf_hooks';
import { Engine, parseWorkflow } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { median, round } from './stats.js';
import { writeResults } from './results.js';

const ACTIONS = 50;
const JOBS_PER_ACTION = 100;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

function workflowYaml(): string {
  const lines = [
    'uri: bench/fake/parallel',
    'stages:',
    '  - type: normal',
    '    name: s',
    '    sequencing: parallel',
    '    actions:',
  ];
  for (let a = 0; a < ACTIONS; a++) {
    lines.push(`      - name: a${a}`, '        jobs:');
    for (let j = 0; j < JOBS_PER_ACTION; j++) {
      lines.push(
        `          - { name: j${j}, endpoint: bench/noop, environments: { FAKE_STDOUT: "[COUT] N = ${j}" } }`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const parsed = parseWorkflow(workflowYaml());
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  const workflow = parsed.workflow;
  const jobs = ACTIONS * JOBS_PER_ACTION;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);

  const rates: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    // A fresh engine (and in-memory store) per repeat, as a fresh process would have.
    const engine = new Engine({ orchestrator: new FakeOrchestrator() });
    const t0 = performance.now();
    const final = await engine.start(workflow).done;
    const wall = performance.now() - t0;
    if (final.status !== 'succeeded') throw new Error(`run ${final.status}`);
    rates.push(jobs / (wall / 1000));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  clearInterval(sampler);
  const results = {
    method:
      'one parallel stage, 50 actions x 100 fake jobs each printing one [COUT] line; jobs / wall',
    jobs,
    repeats: REPEATS,
    jobsPerSecondMedian: round(median(rates), 0),
    jobsPerSecondByRepeat: rates.map((v) => round(v, 0)),
    peakRssMB: round(peakRss / 1e6, 1),
    targets: { jobsPerSecond: 5000, peakRssMB: 300 },
  };
  const file = await writeResults('engine-fake', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
