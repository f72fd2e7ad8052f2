/**
 * Starts a REAL ContainerOps server for the browser tests: `startServer` from
 * @containerops/server on a free loopback port, a fresh data directory, the Docker orchestrator,
 * serving the built dashboard (web/dist). Returns the one-time admin token.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The built dashboard the server serves: web/dist, or CONTAINEROPS_WEB_DIST (to run the browser
 * tests against another build, e.g. a copy of the previous one to see a test fail without a fix).
 */
export const WEB_DIST = process.env['CONTAINEROPS_WEB_DIST'] ?? join(REPO_ROOT, 'web', 'dist');

export interface WebServer {
  readonly url: string;
  readonly adminToken: string;
  /** GraphQL over HTTP with the admin token (test set-up: workflows, components). */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

interface StartedLike {
  readonly url: string;
  readonly adminToken?: string;
  close(): Promise<void>;
}

type ServerModule = {
  startServer(
    config: Record<string, unknown>,
    options?: Record<string, unknown>,
  ): Promise<StartedLike>;
  createGraphqlApi?: (services: unknown) => Promise<{
    handle(req: unknown, res: unknown): Promise<void>;
    attach(server: unknown): void;
    stop(): Promise<void>;
  }>;
};

/** Why the browser tests cannot run here, or undefined when they can. */
export function webPrerequisiteProblem(): string | undefined {
  if (!existsSync('/usr/bin/chromium'))
    return 'Debian chromium is missing (/usr/bin/chromium): run scripts/ci/ensure-chromium.sh';
  if (!existsSync(join(WEB_DIST, 'index.html')))
    return 'web/dist is missing: run npm run build -w @containerops/web';
  if (!existsSync('/var/run/docker.sock')) return 'no Docker engine (/var/run/docker.sock)';
  return undefined;
}

/** @param config server settings over the defaults below (e.g. `{ jobLogLimitBytes: 2048 }`) */
export async function startWebServer(config: Record<string, unknown> = {}): Promise<WebServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'co-web-e2e-'));
  const mod = (await import('@containerops/server')) as unknown as ServerModule;
  // startServer answers 503 on /graphql unless given the GraphQL mount; the package root does not
  // export its factory yet, so fall back to the server's own GraphQL module (by file: this runs
  // under vitest, which loads the TypeScript source).
  const create = mod.createGraphqlApi ?? (await loadGraphqlFactory());
  const options: Record<string, unknown> = { logger: quietLogger };
  {
    options['graphql'] = async (services: unknown) => {
      const api = await create(services);
      return {
        handleRequest: (req: unknown, res: unknown) => api.handle(req, res),
        attachWebSocket: (server: unknown) => api.attach(server),
        close: () => api.stop(),
      };
    };
  }
  const started = await mod.startServer(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      orchestrator: 'docker',
      webDir: WEB_DIST,
      announce: () => undefined,
      ...config,
    },
    options,
  );
  if (started.adminToken === undefined) {
    await started.close();
    throw new Error('the server gave no admin token on its first start');
  }
  const token = started.adminToken;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const res = await fetch(`${started.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    if (!res.headers.get('content-type')?.includes('json')) {
      throw new Error(`/graphql answered ${res.status} ${await res.text()}`);
    }
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data as T;
  };
  return {
    url: started.url,
    adminToken: token,
    gql,
    close: async () => {
      await started.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function loadGraphqlFactory(): Promise<NonNullable<ServerModule['createGraphqlApi']>> {
  const file = join(REPO_ROOT, 'packages', 'server', 'src', 'graphql', 'index.ts');
  const graphql = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as Pick<
    ServerModule,
    'createGraphqlApi'
  >;
  if (graphql.createGraphqlApi === undefined) throw new Error(`no createGraphqlApi in ${file}`);
  return graphql.createGraphqlApi;
}

const quietLogger = {
  info: () => undefined,
  warn: (...args: unknown[]) => console.warn(...args),
  error: (...args: unknown[]) => console.error(...args),
  debug: () => undefined,
};
