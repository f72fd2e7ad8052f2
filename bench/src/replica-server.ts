/**
 * A server replica for the replicas bench (`replicas-runs.bench.ts`), in its own process: the
 * settings come from the environment as an operator's would (CONTAINEROPS_DATABASE_URL,
 * CONTAINEROPS_REPLICAS, CONTAINEROPS_REDIS_URL, CONTAINEROPS_PLUGINS...), the data dir is a temp
 * dir, the port a free loopback one. Prints `READY {"url","token"}` once listening (the token
 * only on the first start of the database); exits when its stdin closes or on SIGTERM.
 * `BENCH_REPLICA_LOG=1` sends its log to stderr.
 */
import { createInterface } from 'node:readline';
import { loadServerConfig } from '@containerops/server';
import { startBenchServer } from './bench-server.js';

// Everything but the port and host comes from the environment, for the bench's data dir.
const server = await startBenchServer(
  'co-bench-replica-',
  (dataDir) => loadServerConfig({ env: process.env, flags: { data: dataDir } }),
  process.env['BENCH_REPLICA_LOG'] === '1',
);
createInterface({ input: process.stdin }).on('close', () => void server.shutdown());
server.announceReady();
