/** Starts the real server (`startServer`) with the GraphQL API mounted, in a temp data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory } from '../../../src/graphql/index.js';
import type { ApiLogger } from '../../../src/graphql/index.js';
import { silentServerLogger, startServer } from '../../../src/index.js';
import type { StartedServer } from '../../../src/index.js';

export interface RealServer {
  readonly server: StartedServer;
  readonly url: string;
  readonly wsUrl: string;
  /** The first-start admin token (site admin, admin of organisation `default`). */
  readonly adminToken: string;
  readonly dataDir: string;
  /** Stops the server; `keepData` leaves the data dir for inspection (removed by `removeData`). */
  close(): Promise<void>;
  removeData(): Promise<void>;
}

const quietApi: ApiLogger = { error: () => undefined, warn: () => undefined };

export async function startRealServer(orchestrator: 'docker' | 'local'): Promise<RealServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'co-api-test-'));
  let announced = '';
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, orchestrator, announce: (text) => (announced += text) },
    { graphql: graphqlApiFactory({ logger: quietApi }), logger: silentServerLogger },
  );
  const adminToken = server.adminToken ?? /token[^:]*:\s*(\S+)/i.exec(announced)?.[1];
  if (adminToken === undefined) throw new Error(`no admin token announced: ${announced}`);
  return {
    server,
    url: `${server.url}/graphql`,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/graphql`,
    adminToken,
    dataDir,
    close: () => server.close(),
    removeData: () => rm(dataDir, { recursive: true, force: true }),
  };
}
