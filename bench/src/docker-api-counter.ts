/**
 * A counting Docker Engine API proxy for benches: listens on a Unix socket of its own, forwards
 * every request unchanged to the real engine (streaming bodies too: attach, followed logs, wait,
 * events) and records each request as it arrives, so a bench can count the Docker API calls an
 * orchestrator makes and time when its `create` left it. The proxy hop itself adds well under a
 * millisecond per call on loopback; it is not subtracted.
 */
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** One request seen by the proxy. */
export interface DockerApiRequest {
  /** `METHOD /route` with the API version and object ids replaced by `{id}`. */
  readonly call: string;
  /** The raw path (with query string), e.g. `/v1.41/containers/create?name=co-x`. */
  readonly path: string;
  /** Wall-clock time the request reached the proxy, in ms since the epoch (sub-ms precision). */
  readonly atMs: number;
}

export interface DockerApiCounter {
  /** Give it to the orchestrator as `socketPath`. */
  readonly socketPath: string;
  /** Every request so far, in arrival order. */
  readonly requests: readonly DockerApiRequest[];
  close(): Promise<void>;
}

/** Wall-clock now with sub-millisecond precision (comparable with Docker's `timeNano`). */
export function wallNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * `POST /v1.41/containers/3f2a…/wait?condition=next-exit` → `POST /containers/{id}/wait`:
 * the route without version, ids or query, so calls can be counted by kind.
 */
export function dockerRoute(method: string, path: string): string {
  const bare = (path.split('?')[0] ?? '').replace(/^\/v[\d.]+/, '');
  // Image names hold slashes (`containerops/busybox:latest`): the whole name is one id.
  const image = /^\/images\/(.+)\/(json|history|push|tag)$/.exec(bare);
  if (image !== null && image[1] !== undefined) return `${method} /images/{id}/${image[2] ?? ''}`;
  const parts = bare.split('/').map((part, i, all) => {
    // Segments after a collection name that are not fixed sub-routes are object ids or names.
    const previous = all[i - 1];
    if (previous === 'containers' && part !== 'create' && part !== 'json' && part !== 'prune')
      return '{id}';
    if (previous === 'volumes' && part !== 'create' && part !== 'prune') return '{id}';
    if (previous === 'images' && part !== 'create' && part !== 'json') return '{id}';
    if (previous === 'networks' && part !== 'create' && part !== 'prune') return '{id}';
    return part;
  });
  return `${method} ${parts.join('/')}`;
}

export async function startDockerApiCounter(
  socketPath: string,
  engineSocketPath = '/var/run/docker.sock',
): Promise<DockerApiCounter> {
  const requests: DockerApiRequest[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request(
      { socketPath: engineSocketPath, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({ call: dockerRoute(method, path), path, atMs: wallNowMs() });
    forward(req, res);
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
