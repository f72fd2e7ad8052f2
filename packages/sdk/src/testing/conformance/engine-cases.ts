/**
 * Engine-level conformance: small workflows parsed from text and run by the real `Engine` on the
 * orchestrator under test, checking the component contract end to end (result rule, `[COUT]`
 * outputs, data links, job timeout).
 */
import { Engine, parseWorkflow } from '@containerops/core';
import type { JobRunSnapshot, RunSnapshot } from '@containerops/core';
import { expect, it } from 'vitest';
import { behaviourEnv, behaviourScript } from '../behaviour-job.js';
import type { JobBehaviour } from '../behaviour-job.js';
import type { ConformanceHarness } from './harness.js';

/** One job of a test workflow: its behaviour plus the workflow fields that matter here. */
interface TestJob {
  readonly name: string;
  readonly behaviour: JobBehaviour;
  readonly env?: Readonly<Record<string, string>>;
  readonly outputs?: readonly string[];
  /** `stage.action.job[OUTPUT]` -> ENV name. */
  readonly subscriptions?: Readonly<Record<string, string>>;
  /** Seconds. */
  readonly timeout?: number;
}

let workflowCounter = 0;

/**
 * A workflow with one `build` stage whose single action `a` runs `jobs` in sequence. Written as
 * JSON, which is YAML, so the parser reads it like any workflow file.
 */
function workflowText(h: ConformanceHarness, jobs: readonly TestJob[]): string {
  const image = h.options.image;
  return JSON.stringify({
    uri: `conformance/engine/w${++workflowCounter}`,
    version: 1,
    stages: [
      { type: 'start', name: 'start' },
      {
        type: 'normal',
        name: 'build',
        sequencing: 'sequence',
        actions: [
          {
            name: 'a',
            jobs: jobs.map((job) => ({
              name: job.name,
              ...(image === undefined ? {} : { endpoint: image }),
              command: ['sh', '-c', behaviourScript(job.behaviour)],
              environments: Object.entries({ ...job.env, ...behaviourEnv(job.behaviour) }).map(
                ([k, v]) => ({ [k]: v }),
              ),
              ...(job.outputs ? { outputs: job.outputs } : {}),
              ...(job.subscriptions
                ? { subscriptions: Object.entries(job.subscriptions).map(([k, v]) => ({ [k]: v })) }
                : {}),
              ...(job.timeout === undefined ? {} : { timeout: job.timeout }),
            })),
          },
        ],
      },
      { type: 'end', name: 'end' },
    ],
  });
}

async function runWorkflow(h: ConformanceHarness, jobs: readonly TestJob[]): Promise<RunSnapshot> {
  const parsed = parseWorkflow(workflowText(h, jobs), { fileName: 'conformance.yaml' });
  const workflow = parsed.workflow;
  if (!workflow)
    throw new Error(`test workflow does not parse: ${JSON.stringify(parsed.diagnostics)}`);
  const engine = new Engine({ orchestrator: h.orchestrator, stopGraceMs: h.ms(2_000) });
  const handle = engine.start(workflow);
  return handle.done;
}

function jobOf(snapshot: RunSnapshot, name: string): JobRunSnapshot {
  for (const stage of snapshot.stages) {
    for (const action of stage.actions) {
      const job = action.jobs.find((candidate) => candidate.name === name);
      if (job) return job;
    }
  }
  throw new Error(`no job ${name} in the run snapshot`);
}

export function registerEngineCases(h: ConformanceHarness): void {
  const timeout = h.ms(30_000);

  it(
    'a job that exits 0 but prints CO_RESULT = false fails',
    async () => {
      const snapshot = await runWorkflow(h, [
        { name: 'j1', behaviour: { stdout: ['[COUT] CO_RESULT = false'] } },
      ]);
      expect(jobOf(snapshot, 'j1').status).toBe('failed');
      expect(snapshot.status).toBe('failed');
    },
    timeout,
  );

  it(
    'a job that exits 1 fails even when it prints CO_RESULT = true',
    async () => {
      const snapshot = await runWorkflow(h, [
        { name: 'j1', behaviour: { stdout: ['[COUT] CO_RESULT = true'], exitCode: 1 } },
      ]);
      expect(jobOf(snapshot, 'j1')).toMatchObject({ status: 'failed', exitCode: 1 });
      expect(snapshot.status).toBe('failed');
    },
    timeout,
  );

  it(
    '[COUT] outputs reach the run snapshot',
    async () => {
      const snapshot = await runWorkflow(h, [
        {
          name: 'j1',
          behaviour: { stdout: ['building', '[COUT] VERSION = 1.2.3', '[COUT] URL=http://x/?a=b'] },
          outputs: ['VERSION', 'URL'],
        },
      ]);
      expect(snapshot.status).toBe('succeeded');
      expect(jobOf(snapshot, 'j1').outputs).toMatchObject({
        VERSION: '1.2.3',
        URL: 'http://x/?a=b',
      });
    },
    timeout,
  );

  it(
    'one [COUT] line over the output limit (and over the line limit) fails the job: outputs too large',
    async () => {
      const snapshot = await runWorkflow(h, [
        {
          name: 'big',
          behaviour: { longLine: { prefix: '[COUT] BIG = ', bytes: 3 * 1024 * 1024 } },
          outputs: ['BIG'],
        },
      ]);
      const big = jobOf(snapshot, 'big');
      expect(big.status).toBe('failed');
      expect(big.reason).toMatch(/^outputs too large: /);
      expect(big.outputs).toEqual({});
    },
    timeout,
  );

  it(
    'a data link feeds an output of one job into the env of a later job',
    async () => {
      const snapshot = await runWorkflow(h, [
        {
          name: 'producer',
          behaviour: { stdout: ['[COUT] ARTIFACT = s3://bucket/app v2.tar'] },
          outputs: ['ARTIFACT'],
        },
        {
          name: 'consumer',
          behaviour: { echoEnv: ['CO_ARTIFACT'] },
          outputs: ['CO_ARTIFACT'],
          subscriptions: { 'build.a.producer[ARTIFACT]': 'CO_ARTIFACT' },
        },
      ]);
      expect(snapshot.status).toBe('succeeded');
      expect(jobOf(snapshot, 'consumer').outputs).toMatchObject({
        CO_ARTIFACT: 's3://bucket/app v2.tar',
      });
    },
    timeout,
  );

  it(
    'a job over its timeout is stopped and marked timed_out',
    async () => {
      const began = Date.now();
      const snapshot = await runWorkflow(h, [
        {
          name: 'slow',
          behaviour: { stdout: ['working'], sleepMs: h.ms(60_000) },
          timeout: Math.max(1, Math.ceil(h.ms(1_000) / 1000)),
        },
      ]);
      expect(jobOf(snapshot, 'slow').status).toBe('timed_out');
      expect(snapshot.status).not.toBe('succeeded');
      expect(Date.now() - began).toBeLessThan(h.ms(20_000));
    },
    timeout,
  );
}
