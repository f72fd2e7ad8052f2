/**
 * The server of bench (d) (`api-runs.bench.ts`), in its own process so that the bench's 20
 * clients do not share its event loop. Starts `startServer` on a temp data dir (SQLite state and
 * log store) with the `local` orchestrator on a free loopback port and prints one line
 * `READY {"url","token"}`. Each line `CPU` on stdin is answered with `CPU {"user","system",
 * "elapsedMs","eventLoopDelay":{p50,p99,max},"helpers":{"cpuMs","count"}}` (microseconds /
 * milliseconds since the previous `CPU` line) so the bench can report this process's share of a
 * core, and that of the `local` orchestrator's spawner helpers (`spawner-cpu.ts`). Shuts down (removing the
 * data dir) when its stdin closes or on SIGTERM. Extra Node flags for profiling, e.g.
 * `--cpu-prof`, come from the bench's `BENCH_SERVER_NODE_FLAGS`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startBenchServer } from './bench-server.js';
import { helpersCpuSince, spawnerHelpersCpu } from './spawner-cpu.js';

const server = await startBenchServer('co-bench-api-runs-');

let helpersSince = spawnerHelpersCpu();
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let cpuSince = process.cpuUsage();
let timeSince = performance.now();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'CPU') return;
  const cpu = process.cpuUsage(cpuSince);
  const now = performance.now();
  const ms = (ns: number): number => Number((ns / 1e6).toFixed(2));
  const helpersNow = spawnerHelpersCpu();
  const helpersMs = helpersCpuSince(helpersSince, helpersNow);
  helpersSince = helpersNow;
  const report = {
    helpers: { cpuMs: helpersMs, count: helpersNow.size },
    ...cpu,
    elapsedMs: Number((now - timeSince).toFixed(1)),
    eventLoopDelay: {
      p50: ms(delay.percentile(50)),
      p99: ms(delay.percentile(99)),
      max: ms(delay.max),
    },
  };
  cpuSince = process.cpuUsage();
  timeSince = now;
  delay.reset();
  process.stdout.write(`CPU ${JSON.stringify(report)}\n`);
});
lines.on('close', () => void server.shutdown());

server.announceReady();
