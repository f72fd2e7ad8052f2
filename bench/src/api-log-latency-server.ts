/**
 * The server of bench (b) (`api-log-latency.bench.ts`), in its own process so that the bench's
 * 100 clients do not share its event loop. Starts `startServer` on a temp data dir with the `local`
 * orchestrator on a free loopback port, prints one line `READY {"url","token"}`, and shuts down
 * (removing the data dir) when its stdin closes or on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory, silentServerLogger, startServer } from '@containerops/server';

const dir = mkdtempSync(join(tmpdir(), 'co-bench-log-latency-'));
const server = await startServer(
  { port: 0, host: '127.0.0.1', dataDir: dir, orchestrator: 'local', announce: () => undefined },
  {
    graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
    logger: silentServerLogger,
  },
);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.resume();

process.stdout.write(`READY ${JSON.stringify({ url: server.url, token: server.adminToken })}\n`);
