/**
 * The server of the fan-out GraphQL bench (`fan-out-graphql.bench.ts`), in its own process so the
 * bench's timed requests do not share its event loop: `startServer` on a temp data dir (SQLite
 * state and log store) with the `bench-fake` orchestrator plugin (`fan-out-fake-plugin.ts`) on a
 * free loopback port. Prints one line `READY {"url","token"}`; shuts down (removing the data dir)
 * when its stdin closes or on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { graphqlApiFactory, silentServerLogger, startServer } from '@containerops/server';

const dir = mkdtempSync(join(tmpdir(), 'co-bench-fan-out-graphql-'));
const server = await startServer(
  {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    orchestrator: 'bench-fake',
    plugins: [{ module: fileURLToPath(new URL('./fan-out-fake-plugin.ts', import.meta.url)) }],
    announce: () => undefined,
  },
  {
    graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
    logger: silentServerLogger,
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
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
process.stdout.write(`READY ${JSON.stringify({ url: server.url, token: server.adminToken })}\n`);
