/**
 * What a Lua hook adds to a job (issue 4): the same one-job workflow run many times on the fake
 * orchestrator, without hooks and with a small `pre` + `post` hook, alternating. Added ms per hook
 * = (median with hooks - median without) / 2. Every hook runs in a fresh Lua state (cold state
 * included, as in production); the worker threads are started once, and their cold start is
 * reported apart. Target: <= 5 ms per hook.
 */
import { performance } from 'node:perf_hooks';
import { Engine, parseWorkflow } from '@containerops/core';
import type { WorkflowDefinition } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { createLuaHookRunner } from '@containerops/hook-lua';
import { median, percentile, round } from './stats.js';
import { writeResults } from './results.js';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const WARMUP = 20;

const PRE = `input.target = 'linux-' .. (input.target or 'any')
env.GOFLAGS = '-mod=vendor'`;
const POST = `local coverage = tonumber(outputs.COVERAGE)
if coverage < 80 then result.succeeded = false end
outputs.GATE = 'coverage ' .. coverage`;

function workflow(withHooks: boolean): WorkflowDefinition {
  const indent = (text: string) =>
    text
      .split('\n')
      .map((l) => `              ${l}`)
      .join('\n');
  const hooks = withHooks
    ? `            pre: |\n${indent(PRE)}\n            post: |\n${indent(POST)}\n`
    : '';
  const parsed = parseWorkflow(`uri: bench/hooks/${withHooks ? 'with' : 'without'}
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: test
            endpoint: bench/noop
            inputs: { target: amd64 }
            environments: { FAKE_STDOUT: "[COUT] COVERAGE = 85" }
${hooks}`);
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics.slice(0, 3)));
  return parsed.workflow;
}

async function timeRun(engine: Engine, wf: WorkflowDefinition): Promise<number> {
  const t0 = performance.now();
  const final = await engine.start(wf).done;
  const ms = performance.now() - t0;
  if (final.status !== 'succeeded') throw new Error(`run ${final.status}: ${final.reason ?? ''}`);
  return ms;
}

async function main(): Promise<void> {
  const plain = workflow(false);
  const hooked = workflow(true);
  const hooks = createLuaHookRunner({ workers: 2 });
  const engine = new Engine({ orchestrator: new FakeOrchestrator(), hooks });

  // The very first hooked run starts a worker thread (the one-off cost of a cold process).
  const firstHookedRunMs = await timeRun(engine, hooked);
  for (let i = 0; i < WARMUP; i++) {
    await timeRun(engine, plain);
    await timeRun(engine, hooked);
  }
  const without: number[] = [];
  const withHooks: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    without.push(await timeRun(engine, plain));
    withHooks.push(await timeRun(engine, hooked));
  }
  await hooks.close();

  const base = median(without);
  const hookedMedian = median(withHooks);
  const perHook = (hookedMedian - base) / 2;
  const results = {
    method:
      'one fake job ([COUT] line) run alone, ' +
      `${ITERATIONS} runs without hooks and ${ITERATIONS} with a small pre + post hook, alternating ` +
      `(after ${WARMUP} warm-up pairs); each hook in a fresh Lua state on a warm worker; ` +
      'added ms per hook = (median with - median without) / 2',
    iterations: ITERATIONS,
    runWithoutHooksMs: { median: round(base), p90: round(percentile(without, 90)) },
    runWithHooksMs: { median: round(hookedMedian), p90: round(percentile(withHooks, 90)) },
    addedMsPerHookMedian: round(perHook),
    addedMsPerHookP90: round((percentile(withHooks, 90) - percentile(without, 90)) / 2),
    firstHookedRunMs: round(firstHookedRunMs),
    target: { addedMsPerHook: 5 },
    mode: 'built code (dist), worker dist/lua.worker.js',
  };
  const file = await writeResults('hook-overhead', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
