/**
 * What the benches' server child processes share (`api-runs-server.ts`,
 * `api-log-latency-server.ts`): `startServer` on a temp data dir (SQLite state and log store)
 * with the `local` orchestrator on a free loopback port, silent logs, and a shutdown that closes
 * the server, removes the data dir and exits (also on SIGTERM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory, silentServerLogger, startServer } from '@containerops/server';

export interface BenchServer {
  readonly url: string;
  readonly token: string | undefined;
  /** Idempotent; exits the process when done. */
  shutdown(): Promise<void>;
  /** The line the parent waits for: `READY {"url","token"}`. */
  announceReady(): void;
}

export async function startBenchServer(dataDirPrefix: string): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: dir, orchestrator: 'local', announce: () => undefined },
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
  return {
    url: server.url,
    token: server.adminToken,
    shutdown,
    announceReady: () =>
      process.stdout.write(
        `READY ${JSON.stringify({ url: server.url, token: server.adminToken })}\n`,
      ),
  };
}
