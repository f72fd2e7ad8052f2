/**
 * Bench (d) of issue 5: runs started through the GraphQL API and completed per second — a
 * one-job workflow (`command: true` on the `local` orchestrator), all state in SQLite, 20
 * concurrent clients. Target ≥ 300 runs/s. Writes bench/results/api-runs.json.
 *
 * The server runs in a child process (`api-runs-server.ts`) so that the clients here do not
 * share its event loop. Each client loops: `triggerRun` over HTTP, then waits for that run's
 * terminal event, which one graphql-ws `events` subscription (the way a dashboard follows runs)
 * hands to the waiting client. `BENCH_WAIT=poll` waits by polling `run(id) { status }` every
 * 10 ms instead. `BENCH_REPEATS` (default 3) measured windows of 10 s follow one warm-up window
 * of 8 s (`BENCH_WARMUP_MS`; with 3 s the first window still ran 20–25 % slower, JIT and SQLite
 * caches still warming) on the same server; the result is the median window. Only succeeded runs
 * count: a run ending otherwise stops the bench with an error. The server runs from the built
 * packages (`npm run build` first). `BENCH_SERVER_NODE_FLAGS` adds Node flags to the server
 * process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 *
 * Issue 18: before the server starts and again once the clients have stopped (the server then
 * idle), the machine's own limits are measured in the same run (`machine-limits.ts`), and runs/s
 * is also given as a ratio to the machine's parallel spawn throughput (spawns of `true` per
 * second from N small processes at once, N = cores; the mean of both measurements, as a shared
 * machine's load moves): target ≥ 0.7. Each window also reports the CPU of the server and of its spawner helpers per run, and
 * how many helpers the pool had.
 *
 *   npm run -w @containerops/bench bench:api-runs
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { writeResults } from './results.js';
import { percentile } from './stats.js';
import { graphqlOverHttp } from './graphql-http.js';
import { measureMachineLimits, ratio } from './machine-limits.js';

// Measured before the server and its clients load the machine, in the same run.
const limits = await measureMachineLimits();
console.log('machine limits', JSON.stringify(limits));

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 20);
const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const WAIT: 'subscription' | 'poll' =
  process.env['BENCH_WAIT'] === 'poll' ? 'poll' : 'subscription';
const WARMUP_MS = Number(process.env['BENCH_WARMUP_MS'] ?? 8_000);
const MEASURE_MS = 10_000;
const POLL_MS = 10;
const TERMINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled']);
const TERMINAL_API = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']);

const serverScript = fileURLToPath(new URL('./api-runs-server.ts', import.meta.url));
const extraFlags = (process.env['BENCH_SERVER_NODE_FLAGS'] ?? '').split(' ').filter((f) => f);
// The same Node flags as this process (--import tsx for the script itself), except that the
// server runs from the built packages (`dist/`, what `npm start` runs), not their sources: the
// spawner helper then runs as plain Node, as in production, instead of under tsx (2x its RSS).
const childFlags = process.execArgv.filter((flag) => flag !== '--conditions=@containerops/source');
const child = spawn(process.execPath, [...childFlags, ...extraFlags, serverScript], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
interface CpuReport {
  user: number;
  system: number;
  elapsedMs: number;
  eventLoopDelay: { p50: number; p99: number; max: number };
  helpers: { cpuMs: number; count: number };
}
let onCpu: ((report: CpuReport) => void) | undefined;
const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('READY '))
      resolve(JSON.parse(line.slice(6)) as { url: string; token: string });
    else if (line.startsWith('CPU ')) onCpu?.(JSON.parse(line.slice(4)) as CpuReport);
  });
});
async function serverCpu(): Promise<CpuReport> {
  const report = new Promise<CpuReport>((resolve) => (onCpu = resolve));
  child.stdin.write('CPU\n');
  return report;
}
const graphqlUrl = `${url}/graphql`;

const gql = graphqlOverHttp(graphqlUrl, token);

/** Terminal status by run id, for runs that ended before their client waited for them. */
const waiting = new Map<string, (status: string) => void>();
const finishedEarly = new Map<string, string>();
const ws = createClient({
  url: graphqlUrl.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
});

async function waitBySubscription(runId: string): Promise<string> {
  const early = finishedEarly.get(runId);
  if (early !== undefined) {
    finishedEarly.delete(runId);
    return early;
  }
  const status = await new Promise<string>((resolve) => waiting.set(runId, resolve));
  waiting.delete(runId);
  return status;
}

async function waitByPolling(runId: string): Promise<string> {
  for (;;) {
    const { run } = await gql<{ run: { status: string } }>(
      'query($id: ID!) { run(id: $id) { status } }',
      {
        id: runId,
      },
    );
    if (TERMINAL_API.has(run.status)) return run.status.toLowerCase();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface Window {
  runsPerSecond: number;
  completedRuns: number;
  seconds: number;
  p50: number;
  p99: number;
  serverCpuPercent: number;
  benchCpuPercent: number;
  serverEventLoopDelayMs: CpuReport['eventLoopDelay'];
  helpersCpuPercent: number;
  helpers: number;
  /** Server + helpers CPU per completed run (the `true` children and the kernel's share not included). */
  cpuMsPerRun: number;
  loadAverage1m: number;
}

try {
  await gql('mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }', {
    y: `uri: default/bench/one-job
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: ["true"]
`,
  });
  if (WAIT === 'subscription') {
    const last = await gql<{ runs: { nodes: { lastSeq: number }[] } }>(
      '{ runs(first: 1) { nodes { lastSeq } } }',
    );
    ws.subscribe<{ events: { runId: string; scope: string; status: string } }>(
      {
        query: `subscription { events(afterSeq: ${last.runs.nodes[0]?.lastSeq ?? 0}) { runId scope status } }`,
      },
      {
        next: ({ data }) => {
          const e = data?.events;
          if (e === undefined || e.scope !== 'RUN' || !TERMINAL.has(e.status)) return;
          const wake = waiting.get(e.runId);
          if (wake === undefined) finishedEarly.set(e.runId, e.status);
          else wake(e.status);
        },
        error: (error) => console.error('subscription failed', error),
        complete: () => undefined,
      },
    );
  }

  let latencies: number[] = [];
  let completed = 0;
  let stop = false;
  async function client(): Promise<void> {
    while (!stop) {
      const started = performance.now();
      const { triggerRun } = await gql<{ triggerRun: { id: string } }>(
        'mutation { triggerRun(workflow: "default/bench/one-job") { id } }',
      );
      const status = await (WAIT === 'poll'
        ? waitByPolling(triggerRun.id)
        : waitBySubscription(triggerRun.id));
      // A failed run is no throughput: it would hide a broken orchestrator behind a fast number.
      if (status !== 'succeeded') {
        throw new Error(
          `run ${triggerRun.id} ended ${status}; the bench counts succeeded runs only`,
        );
      }
      completed += 1;
      latencies.push(performance.now() - started);
    }
  }
  let failure: unknown;
  const loops = Array.from({ length: CLIENTS }, () =>
    client().catch((error: unknown) => {
      failure ??= error;
      stop = true;
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  if (failure !== undefined) throw failure;

  const windows: Window[] = [];
  for (let i = 0; i < REPEATS; i += 1) {
    await serverCpu();
    completed = 0;
    latencies = [];
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
    const done = completed;
    const window = latencies;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const server = await serverCpu();
    windows.push({
      runsPerSecond: Number((done / seconds).toFixed(1)),
      completedRuns: done,
      seconds: Number(seconds.toFixed(2)),
      p50: Number(percentile(window, 50).toFixed(1)),
      p99: Number(percentile(window, 99).toFixed(1)),
      serverCpuPercent: Math.round(((server.user + server.system) / 1000 / server.elapsedMs) * 100),
      benchCpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
      serverEventLoopDelayMs: server.eventLoopDelay,
      helpersCpuPercent: Math.round((server.helpers.cpuMs / server.elapsedMs) * 100),
      helpers: server.helpers.count,
      cpuMsPerRun: Number(
        (((server.user + server.system) / 1000 + server.helpers.cpuMs) / Math.max(1, done)).toFixed(
          3,
        ),
      ),
      loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
    });
    console.log(JSON.stringify(windows.at(-1)));
    if (failure !== undefined) throw failure;
  }
  stop = true;
  await Promise.all(loops);
  const limitsAfter = await measureMachineLimits();
  console.log('machine limits after', JSON.stringify(limitsAfter));
  const spawnLimitN = (limits.spawnsPerSecondN + limitsAfter.spawnsPerSecondN) / 2;
  const spawnLimit1 = (limits.spawnsPerSecond1 + limitsAfter.spawnsPerSecond1) / 2;

  const median = [...windows].sort((a, b) => a.runsPerSecond - b.runsPerSecond)[
    Math.floor(windows.length / 2)
  ] as Window;
  const results = {
    clients: CLIENTS,
    wait: WAIT,
    windowSeconds: MEASURE_MS / 1000,
    runsPerSecond: median.runsPerSecond,
    triggerToCompleteMs: { p50: median.p50, p99: median.p99 },
    serverProcessCpuPercent: median.serverCpuPercent,
    helpersCpuPercent: median.helpersCpuPercent,
    cpuMsPerRun: median.cpuMsPerRun,
    loadAverage1m: median.loadAverage1m,
    machineLimits: { before: limits, after: limitsAfter },
    overParallelSpawnLimit: ratio(median.runsPerSecond, spawnLimitN),
    overOneSpawnerLimit: ratio(median.runsPerSecond, spawnLimit1),
    windows,
    target: '>= 300 runs/s (issue 5); >= 0.7 x the parallel spawn limit (issue 18)',
    met: median.runsPerSecond >= 300,
    metIssue18: median.runsPerSecond >= 0.7 * spawnLimitN,
  };
  console.log(JSON.stringify(results, null, 2));
  if (process.env['BENCH_NO_WRITE'] !== '1') console.log(await writeResults('api-runs', results));
} finally {
  await ws.dispose();
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
}
