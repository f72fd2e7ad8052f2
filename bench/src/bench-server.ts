/**
 * What the benches' server child processes share (`api-runs-server.ts`,
 * `api-log-latency-server.ts`, `fan-out-graphql-server.ts`, `replica-server.ts`): `startServer`
 * on a temp data dir (by default SQLite state and log store and the `local` orchestrator) on a
 * free loopback port, silent logs, and a shutdown that closes the server, removes the data dir and
 * exits (also on SIGTERM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  consoleLogger,
  graphqlApiFactory,
  silentServerLogger,
  startServer,
} from '@containerops/server';

export interface BenchServer {
  readonly url: string;
  readonly token: string | undefined;
  /** Idempotent; exits the process when done. */
  shutdown(): Promise<void>;
  /** The line the parent waits for: `READY {"url","token"}`. */
  announceReady(): void;
}

/** What a bench server sets beyond the defaults (temp data dir, port 0, loopback, `local`). */
export type BenchServerConfig = Partial<Parameters<typeof startServer>[0]>;

/**
 * Starts the server on a fresh temp data dir (`dataDirPrefix`), silent unless `logged`; `config`
 * overrides the defaults (another orchestrator, or a config loaded from the environment for that
 * data dir: it is given the dir).
 */
export async function startBenchServer(
  dataDirPrefix: string,
  config: BenchServerConfig | ((dataDir: string) => Promise<BenchServerConfig>) = {},
  logged = false,
): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), dataDirPrefix));
  const overrides = typeof config === 'function' ? await config(dir) : config;
  const server = await startServer(
    {
      orchestrator: 'local',
      ...overrides,
      port: 0,
      host: '127.0.0.1',
      dataDir: dir,
      announce: () => undefined,
    },
    {
      graphql: graphqlApiFactory({ logger: { error: () => undefined, warn: () => undefined } }),
      logger: logged ? consoleLogger : silentServerLogger,
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
        `READY ${JSON.stringify({ url: server.url, token: server.adminToken ?? null })}\n`,
      ),
  };
}
