/**
 * The Lua hook runner inside a real engine (fake orchestrator): a runaway pre hook fails its own
 * job with the instruction-budget error while another run of the same engine, started at the
 * same time, goes on and finishes first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, parseWorkflow } from '@containerops/sdk';
import type { RunSnapshot, WorkflowDefinition } from '@containerops/sdk';
import { FakeOrchestrator } from '@containerops/sdk/testing';
import { createLuaHookRunner } from './lua-hook-runner.js';

// Large enough that the runaway hook outlives the other run even on a slow, shared machine.
const BUDGET = 20_000_000;
const hooks = createLuaHookRunner({ instructionBudget: BUDGET, wallTimeMs: 60_000, workers: 2 });
afterAll(() => hooks.close());
// Start both workers first (a cold worker costs a few hundred ms in source mode), so the timing
// below compares hooks, not worker start-up.
beforeAll(async () => {
  const warm = () =>
    hooks.runPre({
      script: 'x = 1',
      jobPath: 'warm.up.job',
      inputs: {},
      env: {},
      signal: new AbortController().signal,
      log: () => undefined,
    });
  await Promise.all([warm(), warm()]);
});

function workflow(name: string, jobs: string): WorkflowDefinition {
  const parsed = parseWorkflow(`uri: test/hooks/${name}
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
${jobs}`);
  if (parsed.workflow === undefined) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.workflow;
}

const runaway = workflow(
  'runaway',
  `          - name: spin
            command: 'true'
            pre: while true do end
`,
);

const normal = workflow(
  'normal',
  [1, 2, 3]
    .map(
      (n) => `          - name: step${n}
            command: 'true'
            inputs: { n: '${n}' }
            environments:
              FAKE_ECHO_ENV: CO_N
            pre: |
              input.n = tostring(tonumber(input.n) * 10)
            post: |
              outputs.seen = 'post saw ' .. outputs.CO_N
`,
    )
    .join(''),
);

describe('Lua hooks in the engine', () => {
  it('stops a runaway pre hook by its budget while another run keeps going', async () => {
    const engine = new Engine({ orchestrator: new FakeOrchestrator(), hooks });
    const order: string[] = [];
    const track = (name: string, done: Promise<RunSnapshot>) =>
      done.then((snapshot) => {
        order.push(name);
        return snapshot;
      });
    const spinning = track('runaway', engine.start(runaway).done);
    const other = track('normal', engine.start(normal).done);

    const finished = await other;
    expect(finished.status).toBe('succeeded');
    const jobs = finished.stages[0]?.actions[0]?.jobs ?? [];
    expect(jobs.map((j) => j.outputs)).toEqual([
      { CO_N: '10', seen: 'post saw 10' },
      { CO_N: '20', seen: 'post saw 20' },
      { CO_N: '30', seen: 'post saw 30' },
    ]);

    const stopped = await spinning;
    expect(order).toEqual(['normal', 'runaway']);
    const spin = stopped.stages[0]?.actions[0]?.jobs[0];
    expect(stopped.status).toBe('failed');
    expect(spin?.status).toBe('failed');
    expect(spin?.reason).toBe(
      `pre hook: [string "pre"]:1: instruction budget exceeded (${BUDGET} instructions)`,
    );
  }, 60_000);
});
