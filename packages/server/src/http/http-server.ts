/**
 * The server's one node:http server and its routes:
 * `/graphql` (the GraphQL mount, 503 until one is given), `/healthz` (process up), `/readyz`
 * (database, log store, orchestrator answer), `/metrics` (Prometheus), `/hooks/<plugin>/...`
 * (trigger plugins), `/callbacks/<id>` (async service jobs), and the dashboard at `/`.
 * Unexpected errors are logged with an id; clients get the id and INTERNAL_SERVER_ERROR only.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { CallbackRegistry } from '@containerops/core';
import { CALLBACK_PATH, handleCallback } from './callback-route.js';
import type { GraphqlMount } from './graphql-mount.js';
import { sendJson } from './hook-routes.js';
import type { HookRoutes } from './hook-routes.js';
import type { ServerMetrics } from './metrics.js';
import { serveStatic } from './static-files.js';

/**
 * What the routes use. Mutable: the server listens before the engine and services exist (the
 * callback URL needs the port); until a part is set its routes answer 503.
 */
export interface HttpServerOptions {
  graphql?: GraphqlMount;
  callbacks?: CallbackRegistry;
  ready: () => Promise<{ ready: boolean; checks: Record<string, string> }>;
  readonly metrics: ServerMetrics;
  readonly hooks: HookRoutes;
  readonly webDir: string;
  /**
   * Set once graceful shutdown began: webhooks answer 503 SHUTTING_DOWN with `Retry-After`
   * (senders retry; a delivery accepted now could not start its run). Reads keep working.
   */
  shuttingDown?: boolean;
  /** Where unexpected errors are logged (with their id). */
  readonly logError: (id: string, error: unknown) => void;
}

export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer((req, res) => {
    void route(options, req, res).catch((error: unknown) => {
      const id = randomUUID();
      options.logError(id, error);
      if (!res.headersSent) {
        sendJson(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: `internal error (id ${id})` });
      } else res.destroy();
    });
  });
  return server;
}

async function route(
  options: HttpServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/graphql') {
    if (options.graphql === undefined) {
      sendJson(res, 503, {
        code: 'UNAVAILABLE',
        message: 'the GraphQL API is not mounted on this server',
      });
      return;
    }
    await options.graphql.handleRequest(req, res);
    return;
  }
  if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  if (path === '/readyz') {
    const { ready, checks } = await options.ready();
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks });
    return;
  }
  if (path === '/metrics') {
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(options.metrics.render());
    return;
  }
  if (path === '/hooks' || path.startsWith('/hooks/')) {
    if (options.shuttingDown === true) {
      res.setHeader('retry-after', '30');
      sendJson(res, 503, {
        code: 'SHUTTING_DOWN',
        message: 'the server is shutting down: deliver again later',
      });
      return;
    }
    await options.hooks.handle(req, res, path);
    return;
  }
  if (path.startsWith(`${CALLBACK_PATH}/`)) {
    if (options.callbacks === undefined) {
      sendJson(res, 503, { code: 'UNAVAILABLE', message: 'the server is starting' });
      return;
    }
    await handleCallback(options.callbacks, req, res, path);
    return;
  }
  serveStatic(options.webDir, req, res, path);
}
