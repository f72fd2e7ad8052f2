/**
 * TEST SUPPORT: `startServer` in its own process, so a test can SIGKILL it and start another on
 * the same data directory.
 *
 * ```
 * node --conditions=@containerops/source --import tsx e2e/support/server-process.ts <dataDir> [--logged]
 * ```
 * Settings come from the environment (CONTAINEROPS_ORCHESTRATOR, ..._ORCHESTRATOR_CONFIG). Prints
 * one JSON line `{"url":..., "adminToken":...}` once listening (adminToken on the first start).
 * The server is silent unless `--logged`, which sends its log to stderr (for tests that assert
 * what an operator would read there). SIGTERM shuts it down the way `containerops serve` does.
 */
import {
  consoleLogger,
  graphqlApiFactory,
  loadServerConfig,
  silentServerLogger,
  startServer,
} from '@containerops/server';

const [dataDir, ...flags] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: server-process.ts <dataDir> [--logged]');
const config = await loadServerConfig({
  env: process.env,
  flags: { data: dataDir, port: 0, host: '127.0.0.1' },
});
const server = await startServer(
  { ...config, announce: () => undefined },
  {
    graphql: graphqlApiFactory(),
    logger: flags.includes('--logged') ? consoleLogger : silentServerLogger,
  },
);
process.stdout.write(
  `${JSON.stringify({ url: server.url, adminToken: server.adminToken ?? null })}\n`,
);
process.on('SIGTERM', () => void server.shutdown().then(() => process.exit(0)));
