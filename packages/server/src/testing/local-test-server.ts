/**
 * TEST SUPPORT: a real server (`startServer`) on the local orchestrator and SQLite in a fresh
 * temp data dir, with the first-start admin signed in, for tests that drive the services
 * directly rather than over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfigInput } from '../config/server-config.js';
import { silentServerLogger } from '../logger.js';
import type { Principal } from '../services/contracts.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';

export interface LocalTestServer {
  readonly server: StartedServer;
  /** The first-start admin (site admin, admin of organisation `default`). */
  readonly admin: Principal;
  readonly dataDir: string;
  /** What the server announced while it started (the admin token among it). */
  readonly announced: string;
  /** Closes the server and removes its data dir. */
  close(): Promise<void>;
}

/**
 * Starts the server with `config` over the defaults (loopback, any port, local orchestrator);
 * the data dir is named after `prefix`.
 */
export async function startLocalTestServer(
  prefix: string,
  config: ServerConfigInput = {},
): Promise<LocalTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  let announced = '';
  const server = await startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      orchestrator: 'local',
      announce: (text) => (announced += text),
      ...config,
    },
    { logger: silentServerLogger },
  ).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const admin = (await server.services.identity.authenticate(
    `Bearer ${server.adminToken ?? ''}`,
  )) as Principal;
  return {
    server,
    admin,
    dataDir,
    announced,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
