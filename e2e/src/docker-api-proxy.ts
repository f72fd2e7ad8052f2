/**
 * A Docker Engine API proxy on a Unix socket of its own, in front of the real engine, that lets a
 * test act at an exact API call: e.g. SIGKILL the server when it asks Docker to *start* a
 * container it has just created — the crash between create and start, hit every time rather than
 * by racing Docker's event stream. Requests are forwarded unchanged (streaming bodies too:
 * followed logs, `wait`); a held request is never forwarded and never answered.
 */
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';

/** What to do with one request: pass it to Docker, or hold it forever. */
export type ProxyDecision = 'forward' | 'hold';

export interface DockerApiProxy {
  /** The proxy's socket: give it to the orchestrator as `socketPath`. */
  readonly socketPath: string;
  close(): Promise<void>;
}

export interface DockerApiProxyOptions {
  /** Where the proxy listens (a path that does not exist yet). */
  readonly socketPath: string;
  /** The real engine's socket. Default `/var/run/docker.sock`. */
  readonly engineSocketPath?: string;
  /** Called for every request before it is forwarded. */
  readonly decide: (method: string, path: string) => ProxyDecision;
}

export async function startDockerApiProxy(options: DockerApiProxyOptions): Promise<DockerApiProxy> {
  const engine = options.engineSocketPath ?? '/var/run/docker.sock';
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request(
      { socketPath: engine, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    // The client gone (e.g. the server was killed) ends the upstream call too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    if (options.decide(req.method ?? 'GET', req.url ?? '/') === 'hold') return;
    forward(req, res);
  });
  await rm(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  return {
    socketPath: options.socketPath,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(options.socketPath, { force: true });
    },
  };
}

/** `POST /v1.41/containers/<id>/start` → true (any API version prefix). */
export function isContainerStart(method: string, path: string): boolean {
  return method === 'POST' && /^(\/v[\d.]+)?\/containers\/[^/]+\/start(\?|$)/.test(path);
}
