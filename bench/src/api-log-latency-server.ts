/**
 * The server of bench (b) (`api-log-latency.bench.ts`), in its own process so that the bench's
 * 100 clients do not share its event loop. Starts `startServer` on a temp data dir with the `local`
 * orchestrator on a free loopback port, prints one line `READY {"url","token"}`, and shuts down
 * (removing the data dir) when its stdin closes or on SIGTERM.
 */
import { startBenchServer } from './bench-server.js';

const server = await startBenchServer('co-bench-log-latency-');
process.stdin.on('end', () => void server.shutdown());
process.stdin.resume();
server.announceReady();
