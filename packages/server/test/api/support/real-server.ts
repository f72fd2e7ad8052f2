/** Starts the real server (`startServer`) with the GraphQL API mounted, in a temp data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphqlApiFactory } from '../../../src/graphql/index.js';
import type { ApiLogger } from '../../../src/graphql/index.js';
import { silentServerLogger, startServer } from '../../../src/index.js';
import type { StartedServer } from '../../../src/index.js';
import { postGraphql } from './api-client.js';

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

/** Starts it with `workflows` applied (each must be accepted). */
export async function startRealServer(
  orchestrator: 'docker' | 'local',
  ...workflows: readonly string[]
): Promise<RealServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'co-api-test-'));
  let announced = '';
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir, orchestrator, announce: (text) => (announced += text) },
    { graphql: graphqlApiFactory({ logger: quietApi }), logger: silentServerLogger },
  );
  const adminToken = server.adminToken ?? /token[^:]*:\s*(\S+)/i.exec(announced)?.[1];
  if (adminToken === undefined) throw new Error(`no admin token announced: ${announced}`);
  const api: RealServer = {
    server,
    url: `${server.url}/graphql`,
    wsUrl: `${server.url.replace(/^http/, 'ws')}/graphql`,
    adminToken,
    dataDir,
    close: () => server.close(),
    // Retried: the local orchestrator's workspace pool may still be emptying its last directory.
    removeData: () => rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
  try {
    for (const yaml of workflows) await applyWorkflow(api, yaml);
  } catch (error) {
    await disposeRealServer(api);
    throw error;
  }
  return api;
}

/** Applies `yaml` as the admin; throws with the server's answer when it is not accepted. */
export async function applyWorkflow(api: RealServer, yaml: string): Promise<void> {
  const { body } = await postGraphql(
    api.url,
    api.adminToken,
    'mutation ($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { code message line } } }',
    { y: yaml },
  );
  const applied = (body.data as { applyWorkflow?: { ok: boolean } } | null | undefined)
    ?.applyWorkflow;
  if (applied?.ok !== true) throw new Error(`applyWorkflow refused: ${JSON.stringify(body)}`);
}

/** For `afterAll`: closes the server, if it started, and removes its data dir. */
export async function disposeRealServer(api: RealServer | undefined): Promise<void> {
  await api?.close();
  await api?.removeData();
}
