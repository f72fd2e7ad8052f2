/**
 * A server replica for the replicas bench (`replicas-runs.bench.ts`), in its own process: the
 * settings come from the environment as an operator's would (CONTAINEROPS_DATABASE_URL,
 * CONTAINEROPS_REPLICAS, CONTAINEROPS_REDIS_URL, CONTAINEROPS_PLUGINS...), the data dir is a temp
 * dir, the port a free loopback one. Prints `READY {"url","token"}` once listening (the token
 * only on the first start of the database); exits when its stdin closes or on SIGTERM.
 * `BENCH_REPLICA_LOG=1` sends its log to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  consoleLogger,
  graphqlApiFactory,
  loadServerConfig,
  silentServerLogger,
  startServer,
} from '@containerops/server';

const dir = mkdtempSync(join(tmpdir(), 'co-bench-replica-'));
const config = await loadServerConfig({
  env: process.env,
  flags: { data: dir, port: 0, host: '127.0.0.1' },
});
const server = await startServer(
  { ...config, announce: () => undefined },
  {
    graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
    // BENCH_REPLICA_LOG=1: the replica's log on stderr (why a replica stopped, takeovers...).
    logger: process.env['BENCH_REPLICA_LOG'] === '1' ? consoleLogger : silentServerLogger,
  },
);
let closing = false;
const shutdown = async (): Promise<void> => {
  if (closing) return;
  closing = true;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
createInterface({ input: process.stdin }).on('close', () => void shutdown());
process.stdout.write(
  `READY ${JSON.stringify({ url: server.url, token: server.adminToken ?? null })}\n`,
);
