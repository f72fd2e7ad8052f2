/**
 * TEST SUPPORT: `startServer` in its own process, so a test can SIGKILL it and start another on
 * the same data directory.
 *
 * ```
 * node --conditions=@containerops/source --import tsx e2e/support/server-process.ts <dataDir>
 * ```
 * Settings come from the environment (CONTAINEROPS_ORCHESTRATOR, ..._ORCHESTRATOR_CONFIG). Prints
 * one JSON line `{"url":..., "adminToken":...}` once listening (adminToken on the first start).
 */
import {
  graphqlApiFactory,
  loadServerConfig,
  silentServerLogger,
  startServer,
} from '@containerops/server';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: server-process.ts <dataDir>');
const config = await loadServerConfig({
  env: process.env,
  flags: { data: dataDir, port: 0, host: '127.0.0.1' },
});
const server = await startServer(
  { ...config, announce: () => undefined },
  { graphql: graphqlApiFactory(), logger: silentServerLogger },
);
process.stdout.write(
  `${JSON.stringify({ url: server.url, adminToken: server.adminToken ?? null })}\n`,
);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
