/**
 * TEST SUPPORT: like server-process.ts (`startServer` in its own process, one JSON line
 * `{"url":..., "adminToken":...}` on stdout once listening), but the server logs to stderr, for
 * tests that assert what an operator would read there.
 *
 * ```
 * node --conditions=@containerops/source --import tsx e2e/support/logged-server-process.ts <dataDir>
 * ```
 */
import {
  consoleLogger,
  graphqlApiFactory,
  loadServerConfig,
  startServer,
} from '@containerops/server';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: logged-server-process.ts <dataDir>');
const config = await loadServerConfig({
  env: process.env,
  flags: { data: dataDir, port: 0, host: '127.0.0.1' },
});
const server = await startServer(
  { ...config, announce: () => undefined },
  { graphql: graphqlApiFactory(), logger: consoleLogger },
);
process.stdout.write(
  `${JSON.stringify({ url: server.url, adminToken: server.adminToken ?? null })}\n`,
);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
