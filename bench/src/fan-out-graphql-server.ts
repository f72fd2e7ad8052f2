/**
 * The server of the fan-out GraphQL bench (`fan-out-graphql.bench.ts`), in its own process so the
 * bench's timed requests do not share its event loop: `startServer` on a temp data dir (SQLite
 * state and log store) with the `bench-fake` orchestrator plugin (`fan-out-fake-plugin.ts`) on a
 * free loopback port. Prints one line `READY {"url","token"}`; shuts down (removing the data dir)
 * when its stdin closes or on SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './bench-server.js';

const server = await startBenchServer('co-bench-fan-out-graphql-', {
  orchestrator: 'bench-fake',
  plugins: [{ module: fileURLToPath(new URL('./fan-out-fake-plugin.ts', import.meta.url)) }],
});
process.stdin.on('end', () => void server.shutdown());
process.stdin.resume();
server.announceReady();
