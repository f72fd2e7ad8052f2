/**
 * Engine overhead per job on the `local` orchestrator (issue 2, bench a).
 *
 * Method: run workflows of 1 and of 200 sequential trivial jobs (`true`, as an argv so no shell is
 * involved); overhead per job = (wall(200) − wall(1)) / 199 minus the time of the very same spawn
 * (`true`, detached, piped stdout/stderr, the environment a job really gets, a working directory;
 * awaited to exit and stream close) measured in this
 * process. Each repeat runs both workflows and then 200 bare spawns, and is computed on its own
 * (paired, so a load change between repeats hits both sides); the result is the median over
 * REPEATS. The marginal wall per job is a mean, so it is compared with the mean spawn of the same
 * repeat: subtracting a median from a mean would count the spawn distribution's skew (large under
 * load) as engine overhead. The median-spawn figure is reported too. Targets: overhead ≤ 0.2 ms
 * median, total wall per job ≤ 2.5 ms.
 *
 * Alongside, the same difference in this process's CPU time (user + system, `process.cpuUsage`):
 * what the engine adds in work per job, whether or not it sits on the path from one exit to the
 * next spawn. On a shared 2-core machine wall time swings with other load far more than CPU time.
 *
 * Both spawn modes of the `local` orchestrator are measured (`BENCH_SPAWN=in-process|helper` for
 * one): `in-process` is the method above to the letter; with `helper` the spawn happens in the
 * spawner helper, so the engine's own share is also given against a loop of the orchestrator
 * alone (`overheadMsPerJobVsOrchestratorDirect`).
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine, parseWorkflow } from '@containerops/core';
import type { Orchestrator } from '@containerops/core';
import { createLocalOrchestrator } from '@containerops/orchestrator-local';
import type { LocalSpawnMode } from '@containerops/orchestrator-local';
import { mean, median, round } from './stats.js';
import { writeResults } from './results.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const JOBS = 200;

function workflowYaml(jobs: number): string {
  const lines = [
    'uri: bench/local/sequential',
    'stages:',
    '  - type: normal',
    '    name: s',
    '    actions:',
    '      - name: a',
    '        jobs:',
  ];
  for (let i = 0; i < jobs; i++) lines.push(`          - { name: j${i}, command: ["true"] }`);
  return `${lines.join('\n')}\n`;
}

/** Milliseconds of CPU (user + system) this process has used so far. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Cost {
  readonly wall: number;
  readonly cpu: number;
}

async function costOfRun(engine: Engine, yaml: string): Promise<Cost> {
  const parsed = parseWorkflow(yaml);
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics));
  const c0 = cpuMs();
  const t0 = performance.now();
  const final = await engine.start(parsed.workflow).done;
  const wall = performance.now() - t0;
  const cpu = cpuMs() - c0;
  if (final.status !== 'succeeded') throw new Error(`run ${final.status}: ${final.reason ?? ''}`);
  return { wall, cpu };
}

/**
 * "The same spawn" as the engine's: the environment a job of the 200-job run really gets (its
 * CO_* contract variables, CO_WORKSPACE, CO_OUTPUT, PATH, HOME; captured from the orchestrator)
 * and a working directory. The size of the environment is part of a spawn's cost (~0.15 ms for
 * these ~20 variables here), and it is the contract's, not the engine's overhead.
 */
interface SpawnShape {
  env: Record<string, string>;
  cwd: string;
}

function spawnTrue(shape: SpawnShape): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('true', [], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: shape.env,
      cwd: shape.cwd,
    });
    let open = 3;
    const done = (): void => {
      open -= 1;
      if (open === 0) resolve(performance.now() - t0);
    };
    child.stdout.on('close', done);
    child.stderr.on('close', done);
    child.on('exit', done);
    child.on('error', reject);
    child.stdout.resume();
    child.stderr.resume();
  });
}

/**
 * Runs `true` through the orchestrator alone (start → logs drained → wait → remove), as the
 * engine would but without it: the engine's own share when jobs are spawned by the helper, where
 * the in-process spawn above is not "the same spawn".
 */
async function orchestratorTrue(orchestrator: Orchestrator, n: number): Promise<number> {
  const t0 = performance.now();
  const handle = await orchestrator.start({
    id: `direct-${n}`,
    runId: 'bench-direct',
    workflow: 'bench/local/direct',
    stage: 's',
    action: 'a',
    job: 'j',
    attempt: 1,
    command: ['true'],
    env: {},
    resources: {},
    labels: {},
  });
  const drain = (async () => {
    for await (const _ of orchestrator.logs(handle)) void _;
  })();
  await orchestrator.wait(handle);
  await drain;
  const ms = performance.now() - t0;
  await orchestrator.remove(handle);
  return ms;
}

async function measure(mode: LocalSpawnMode): Promise<Record<string, unknown>> {
  const orchestrator = createLocalOrchestrator({ spawn: mode });
  const shape: SpawnShape = { env: { PATH: process.env.PATH ?? '' }, cwd: tmpdir() };
  const start = orchestrator.start.bind(orchestrator);
  orchestrator.start = (job) => {
    shape.env = {
      ...job.env,
      CO_WORKSPACE: join(tmpdir(), 'workspace'),
      CO_OUTPUT: join(tmpdir(), 'output'),
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/',
    };
    return start(job);
  };
  const engine = new Engine({ orchestrator });
  // Warm up the JIT and the file system cache on both paths (and capture a job's env).
  await costOfRun(engine, workflowYaml(20));
  for (let i = 0; i < 50; i++) await spawnTrue(shape);
  await orchestrator.prepare({ runId: 'bench-direct', workflow: 'bench/local/direct', labels: {} });
  for (let i = 0; i < 50; i++) await orchestratorTrue(orchestrator, i);

  const wall1: number[] = [];
  const wall200: number[] = [];
  const spawns: number[] = [];
  const direct: number[] = [];
  const overheadVsMean: number[] = [];
  const overheadVsMedian: number[] = [];
  const overheadVsDirect: number[] = [];
  const cpuOverhead: number[] = [];
  const spawnCpu: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const run1 = await costOfRun(engine, workflowYaml(1));
    const run200 = await costOfRun(engine, workflowYaml(JOBS));
    const w1 = run1.wall;
    const w200 = run200.wall;
    const repeatSpawns: number[] = [];
    const c0 = cpuMs();
    for (let i = 0; i < JOBS; i++) repeatSpawns.push(await spawnTrue(shape));
    const bareCpuPerSpawn = (cpuMs() - c0) / JOBS;
    const repeatDirect: number[] = [];
    for (let i = 0; i < JOBS; i++)
      repeatDirect.push(await orchestratorTrue(orchestrator, 1000 + r * JOBS + i));
    spawnCpu.push(bareCpuPerSpawn);
    cpuOverhead.push((run200.cpu - run1.cpu) / (JOBS - 1) - bareCpuPerSpawn);
    const marginal = (w200 - w1) / (JOBS - 1);
    overheadVsMean.push(marginal - mean(repeatSpawns));
    overheadVsMedian.push(marginal - median(repeatSpawns));
    overheadVsDirect.push(marginal - mean(repeatDirect));
    wall1.push(w1);
    wall200.push(w200);
    spawns.push(...repeatSpawns);
    direct.push(...repeatDirect);
  }
  await orchestrator.cleanup(
    { runId: 'bench-direct', workflow: 'bench/local/direct', labels: {} },
    { keepWorkspace: false },
  );
  return {
    spawn: mode,
    wall1MsMedian: round(median(wall1)),
    wall200MsMedian: round(median(wall200)),
    spawnMsMedian: round(median(spawns)),
    spawnMsMean: round(mean(spawns)),
    orchestratorDirectMsMean: round(mean(direct)),
    marginalMsPerJob: round((median(wall200) - median(wall1)) / (JOBS - 1)),
    overheadMsPerJobMedian: round(median(overheadVsMean)),
    overheadMsPerJobByRepeat: overheadVsMean.map((v) => round(v)),
    overheadMsPerJobVsMedianSpawn: round(median(overheadVsMedian)),
    overheadMsPerJobVsOrchestratorDirect: round(median(overheadVsDirect)),
    totalWallMsPerJob: round(median(wall200) / JOBS),
    cpuOverheadMsPerJobMedian: round(median(cpuOverhead)),
    cpuOverheadMsPerJobByRepeat: cpuOverhead.map((v) => round(v)),
    spawnCpuMsMedian: round(median(spawnCpu)),
  };
}

async function main(): Promise<void> {
  const modes: LocalSpawnMode[] =
    process.env.BENCH_SPAWN === 'helper' || process.env.BENCH_SPAWN === 'in-process'
      ? [process.env.BENCH_SPAWN]
      : ['in-process', 'helper'];
  const byMode: Record<string, unknown> = {};
  for (const mode of modes) byMode[mode] = await measure(mode);
  const results = {
    method:
      'per repeat: (wall(200) - wall(1)) / 199 - in-process spawn of `true` (mean of that repeat); median over repeats. ' +
      'overheadMsPerJobVsOrchestratorDirect: the same marginal minus a loop of orchestrator start/wait/remove without the engine',
    repeats: REPEATS,
    ...byMode,
    targets: { overheadMsPerJob: 0.2, totalWallMsPerJob: 2.5 },
  };
  const file = await writeResults('engine-local', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
