/**
 * parseWorkflow on hostile shapes (issue 10 item 7): a map of 10,000 vs 20,000 keys (with the key
 * limit raised so the whole parse runs) must cost about twice as much, not four times; with the
 * default limits the 20,000-key file and a 1,000-deep file are refused quickly.
 */
import { DEFAULT_INPUT_LIMITS, parseWorkflow } from '@containerops/core';
import { writeResults } from './results.js';
import { median, round } from './stats.js';

const HEAD = 'uri: a/b/c\nstages: [{ type: start, name: start }]\n';
const REPEATS = 7;

function manyKeys(count: number): string {
  const lines = [HEAD];
  for (let i = 0; i < count; i++) lines.push(`k${i}: v\n`);
  return lines.join('');
}

function timeMs(source: string, options: Parameters<typeof parseWorkflow>[1]): number {
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    parseWorkflow(source, options);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const raised = { limits: { ...DEFAULT_INPUT_LIMITS, maxKeysPerMap: 100_000 } };
timeMs(manyKeys(5_000), raised); // warm-up
const keys10k = timeMs(manyKeys(10_000), raised);
const keys20k = timeMs(manyKeys(20_000), raised);
const rejected20k = timeMs(manyKeys(20_000), {});
const deep = `${HEAD}labels: ${'['.repeat(1_000)}x${']'.repeat(1_000)}\n`;
const rejectedDeep = timeMs(deep, {});
const results = {
  keys10kMs: round(keys10k, 1),
  keys20kMs: round(keys20k, 1),
  ratio20kTo10k: round(keys20k / keys10k, 2),
  rejected20kKeysMs: round(rejected20k, 1),
  rejected1000DeepMs: round(rejectedDeep, 1),
};
console.log(results);
console.log(`wrote ${await writeResults('parse-workflow', results)}`);
