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
 * Alongside, the same difference in CPU time (user + system) of this process plus the spawner
 * helpers (`spawner-cpu.ts`; before issue 18 only this process counted, so moving the spawn into
 * the helper made its CPU vanish from the figure), minus this process's CPU per bare spawn: what
 * our processes spend per job beyond the spawn itself, whether or not it sits on the path from
 * one exit to the next spawn. On a shared 2-core machine wall time swings with other load far
 * more than CPU time. Helper CPU comes from `/proc` in clock ticks (10 ms), so it is summed over
 * a whole run, never per job.
 *
 * Both spawn modes of the `local` orchestrator are measured (`BENCH_SPAWN=in-process|helper` for
 * one): `in-process` is the method above to the letter; with `helper` the spawn happens in the
 * spawner helper, so the engine's own share is also given against a loop of the orchestrator
 * alone (`overheadMsPerJobVsOrchestratorDirect`).
 *
 * Log path (issue 18, item 3): a one-job workflow whose job prints 100,000 lines (`seq 1 100000`
 * under `sh -c`), through the engine into the SQLite log store (the server's) with one observer
 * attached (as a subscribed dashboard is), against the bare command: the same `sh -c` spawned from
 * this process with its pipes drained. Paired per repeat; the figure is the median of
 * wall(engine run) − wall(bare command), which includes the run's own fixed cost (prepare,
 * events, cleanup; `oneJobRunMs`, a run of `true`, says how much). The same with the in-memory
 * sink isolates our path from SQLite's inserts. Target ≤ 0.2 s beyond the bare command. The CPU
 * of our processes (this one and the spawner helpers, `spawner-cpu.ts`) for the run, minus this
 * process's CPU while draining the bare command, is given per line too: it moves far less with
 * other load on a shared machine than the wall time.
 *
 * Every figure is also given as a ratio to the machine's own limits, measured at the start and at
 * the end of the same run (`machine-limits.ts`; ratios use the mean of the two): per-job wall against the bare spawn of `true` from a small
 * process, the 100,000-line cost against `cat` of a 100,000-line file, jobs per second through
 * the orchestrator alone (`measureThroughput`) against the parallel spawn limit.
 * `BENCH_PART=jobs|lines|throughput` runs one part.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Engine, MemoryLogSink, parseWorkflow } from '@containerops/core';
import type { LogSink, Orchestrator, WorkflowDefinition } from '@containerops/core';
import { createSqliteLogStore } from '@containerops/logstore-sqlite';
import { createLocalOrchestrator } from '@containerops/orchestrator-local';
import type { LocalSpawnMode } from '@containerops/orchestrator-local';
import { CAT_LINES, measureMachineLimits, ratio, spawnThroughput } from './machine-limits.js';
import { helpersCpuSince, spawnerHelpersCpu } from './spawner-cpu.js';
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
  const h0 = spawnerHelpersCpu();
  const c0 = cpuMs();
  const t0 = performance.now();
  const final = await engine.start(parsed.workflow).done;
  const wall = performance.now() - t0;
  // Across our processes: in helper mode the spawns' CPU is the helpers'.
  const cpu = cpuMs() - c0 + helpersCpuSince(h0, spawnerHelpersCpu());
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

const LINES_REPEATS = Number(process.env.BENCH_LINES_REPEATS ?? 7);
const LINES_COMMAND = `seq 1 ${CAT_LINES}`;

function parsed(yaml: string): WorkflowDefinition {
  const result = parseWorkflow(yaml);
  if (!result.workflow) throw new Error(JSON.stringify(result.diagnostics));
  return result.workflow;
}

/** One job running `command` under `sh -c`. */
function oneJob(command: string): WorkflowDefinition {
  return parsed(
    [
      'uri: bench/local/lines',
      'stages:',
      '  - type: normal',
      '    name: s',
      '    actions:',
      '      - name: a',
      '        jobs:',
      `          - { name: j, command: ["sh", "-c", "${command}"] }`,
      '',
    ].join('\n'),
  );
}

/** The bare command: `sh -c` spawned from this process, its pipes drained to the end. */
function bareCommand(command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

/**
 * A job printing 100,000 lines through the engine (see the module comment), for one spawn mode
 * and one sink. Every line must arrive: the observer counts them.
 */
async function measureLines(
  mode: LocalSpawnMode,
  sinkKind: 'sqlite' | 'memory',
): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'co-bench-lines-'));
  const sink: LogSink =
    sinkKind === 'sqlite'
      ? createSqliteLogStore({ path: join(dir, 'logs.db') })
      : new MemoryLogSink();
  const engine = new Engine({ orchestrator: createLocalOrchestrator({ spawn: mode }), logs: sink });
  let observed = 0;
  engine.observe({ onLog: () => void observed++ });
  const lines = oneJob(LINES_COMMAND);
  const empty = oneJob('true');
  // CPU of this process and of the spawner helpers: in helper mode the pipes are read there.
  const run = async (workflow: WorkflowDefinition): Promise<Cost> => {
    const h0 = spawnerHelpersCpu();
    const c0 = cpuMs();
    const t0 = performance.now();
    const final = await engine.start(workflow).done;
    const wall = performance.now() - t0;
    if (final.status !== 'succeeded') throw new Error(`run ${final.status}`);
    return { wall, cpu: cpuMs() - c0 + helpersCpuSince(h0, spawnerHelpersCpu()) };
  };
  await run(lines); // warm-up
  await run(empty);
  const beyond: number[] = [];
  const engineWall: number[] = [];
  const engineCpu: number[] = [];
  const bare: number[] = [];
  const oneJobRun: number[] = [];
  const cpuBeyond: number[] = [];
  for (let r = 0; r < LINES_REPEATS; r++) {
    observed = 0;
    const c0 = cpuMs();
    const b = await bareCommand(LINES_COMMAND);
    const bareCpu = cpuMs() - c0;
    const cost = await run(lines);
    if (observed !== CAT_LINES) throw new Error(`${observed} lines observed, not ${CAT_LINES}`);
    oneJobRun.push((await run(empty)).wall);
    bare.push(b);
    engineWall.push(cost.wall);
    engineCpu.push(cost.cpu);
    beyond.push(cost.wall - b);
    cpuBeyond.push(cost.cpu - bareCpu);
  }
  rmSync(dir, { recursive: true, force: true });
  const extraMs = median(beyond);
  return {
    spawn: mode,
    sink: sinkKind,
    lines: CAT_LINES,
    bareCommandMsMedian: round(median(bare)),
    engineRunMsMedian: round(median(engineWall)),
    beyondBareMsMedian: round(extraMs),
    beyondBareMsByRepeat: beyond.map((v) => round(v)),
    beyondBareUsPerLine: round((extraMs * 1000) / CAT_LINES),
    oneJobRunMsMedian: round(median(oneJobRun)),
    ourCpuMsMedian: round(median(engineCpu)),
    ourCpuBeyondBareUsPerLine: round((median(cpuBeyond) * 1000) / CAT_LINES),
    target: 'beyondBareMs <= 200',
    met: extraMs <= 200,
  };
}

const THROUGHPUT_LOOPS = 20;
const THROUGHPUT_MS = 5_000;

/**
 * Jobs per second through the orchestrator alone (start → logs drained → wait → remove, `true`),
 * from 20 concurrent loops for 5 s, 5 windows after a warm-up, each paired with a sample of the
 * parallel spawn limit taken just before it (the median of the 5 ratios is the figure): how fast the `local`
 * orchestrator starts jobs when nothing else (engine, server) takes CPU, against the machine's
 * parallel spawn limit. In helper mode the pool's size is `CONTAINEROPS_LOCAL_SPAWNERS` or the
 * cores, reported as `helpers`.
 */
async function measureThroughput(mode: LocalSpawnMode): Promise<Record<string, unknown>> {
  const orchestrator = createLocalOrchestrator({ spawn: mode });
  // orchestratorTrue's jobs belong to run `bench-direct`.
  const run = { runId: 'bench-direct', workflow: 'bench/local/direct', labels: {} };
  await orchestrator.prepare(run);
  let n = 0;
  const window = async (ms: number): Promise<number> => {
    const end = performance.now() + ms;
    let done = 0;
    const t0 = performance.now();
    const loop = async (): Promise<void> => {
      while (performance.now() < end) {
        await orchestratorTrue(orchestrator, 100_000 + n++);
        done++;
      }
    };
    await Promise.all(Array.from({ length: THROUGHPUT_LOOPS }, loop));
    return done / ((performance.now() - t0) / 1000);
  };
  await window(2_000);
  // Each window is paired with a sample of the machine's parallel spawn limit taken just before
  // it: on a shared machine the limit itself moves by 2x within minutes.
  const cores = availableParallelism();
  let helpersMs = 0;
  let helpers = new Map<number, number>();
  const windows: number[] = [];
  const limitsN: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < 5; i++) {
    const limit = await spawnThroughput(cores, 3_000);
    const h0 = spawnerHelpersCpu();
    const jobs = await window(THROUGHPUT_MS);
    helpers = spawnerHelpersCpu();
    helpersMs += helpersCpuSince(h0, helpers);
    windows.push(jobs);
    limitsN.push(limit);
    ratios.push(jobs / limit);
  }
  await orchestrator.cleanup(run, { keepWorkspace: false });
  return {
    spawn: mode,
    loops: THROUGHPUT_LOOPS,
    jobsPerSecondMedian: round(median(windows), 1),
    jobsPerSecondByWindow: windows.map((v) => round(v, 1)),
    parallelSpawnLimitByWindow: limitsN.map((v) => round(v, 1)),
    overParallelSpawnLimitPairedMedian: round(median(ratios)),
    helpers: mode === 'helper' ? helpers.size : 0,
    helpersCpuPercent: Math.round((helpersMs / (windows.length * THROUGHPUT_MS)) * 100),
  };
}

async function main(): Promise<void> {
  const modes: LocalSpawnMode[] =
    process.env.BENCH_SPAWN === 'helper' || process.env.BENCH_SPAWN === 'in-process'
      ? [process.env.BENCH_SPAWN]
      : ['in-process', 'helper'];
  const part = process.env.BENCH_PART;
  const limits = await measureMachineLimits();
  console.log('machine limits', JSON.stringify(limits));
  const byMode: Record<string, Record<string, unknown>> = {};
  if (part === undefined || part === 'jobs') {
    for (const mode of modes) {
      byMode[mode] = await measure(mode);
    }
  }
  const logPath: Record<string, unknown>[] = [];
  if (part === undefined || part === 'lines') {
    for (const mode of modes) {
      for (const sink of ['sqlite', 'memory'] as const) {
        const result = await measureLines(mode, sink);
        console.log(JSON.stringify(result));
        logPath.push(result);
      }
    }
  }
  const throughput: Record<string, unknown>[] = [];
  if (part === undefined || part === 'throughput') {
    for (const mode of modes) {
      const result = await measureThroughput(mode);
      console.log(JSON.stringify(result));
      throughput.push(result);
    }
  }
  const after = await measureMachineLimits();
  console.log('machine limits after', JSON.stringify(after));
  const bareSpawnMs = (limits.bareSpawnMs + after.bareSpawnMs) / 2;
  const cat100kLinesMs = (limits.cat100kLinesMs + after.cat100kLinesMs) / 2;
  for (const jobs of Object.values(byMode)) {
    jobs['totalWallPerJobOverBareSpawn'] = ratio(Number(jobs['totalWallMsPerJob']), bareSpawnMs);
  }
  for (const lines of logPath) {
    lines['beyondBareOverCat100k'] = ratio(Number(lines['beyondBareMsMedian']), cat100kLinesMs);
  }
  const spawnLimitN = (limits.spawnsPerSecondN + after.spawnsPerSecondN) / 2;
  const spawnLimit1 = (limits.spawnsPerSecond1 + after.spawnsPerSecond1) / 2;
  for (const result of throughput) {
    result['overParallelSpawnLimit'] = ratio(Number(result['jobsPerSecondMedian']), spawnLimitN);
    result['overOneSpawnerLimit'] = ratio(Number(result['jobsPerSecondMedian']), spawnLimit1);
  }
  const results = {
    method:
      'per repeat: (wall(200) - wall(1)) / 199 - in-process spawn of `true` (mean of that repeat); median over repeats. ' +
      'overheadMsPerJobVsOrchestratorDirect: the same marginal minus a loop of orchestrator start/wait/remove without the engine. ' +
      'logPath: wall of a 1-job run printing 100,000 lines (SQLite log store or memory sink, one observer) minus the bare ' +
      '`sh -c` drained from this process, paired per repeat, median',
    machineLimits: { before: limits, after },
    loadAverage1mAtEnd: round(loadavg()[0] ?? 0, 2),
    repeats: REPEATS,
    ...byMode,
    logPath,
    throughput,
    targets: { overheadMsPerJob: 0.2, totalWallMsPerJob: 2.5, logPathBeyondBareMs: 200 },
  };
  const file = await writeResults('engine-local', results);
  console.log(JSON.stringify(results, null, 2));
  console.log(`written to ${file}`);
}

await main();
