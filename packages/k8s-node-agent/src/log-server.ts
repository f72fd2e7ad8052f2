import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { PassThrough, Transform } from 'node:stream';
import type { ContainerLogsOptions } from 'dockerode';
import { labels } from './container-spec.js';
import type { DockerRuntime } from './docker-runtime.js';
import { latestAttempts } from './docker-runtime.js';
import { LogFrameReader, readLogFrames } from './log-frames.js';

/** TLS material of the kubelet API, PEM text. */
export interface LogServerTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** The CA the API server's client certificate must chain to. */
  clientCa: string | Buffer;
  /** Common names allowed to call (the API server's `--kubelet-client-certificate`). */
  allowedClients: readonly string[];
}

/** The query of `GET /containerLogs/...`, as the API server forwards it from `pods/log`. */
export interface LogQuery {
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  limitBytes?: number;
  previous: boolean;
  /** `stream=Stdout|Stderr|All` (the API server's PodLogsQuerySplitStreams feature); default All. */
  stream: 'Stdout' | 'Stderr' | 'All';
}

/** Parses the kubelet log query; throws on a malformed number or stream. */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  const flag = (name: string): boolean => params.get(name) === 'true' || params.get(name) === '1';
  const number = (name: string): number | undefined => {
    const text = params.get(name);
    if (text === null || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a non-negative integer`);
    return value;
  };
  const query: LogQuery = {
    follow: flag('follow'),
    timestamps: flag('timestamps'),
    previous: flag('previous'),
    stream: parseStream(params.get('stream')),
  };
  const tailLines = number('tailLines');
  const sinceSeconds = number('sinceSeconds');
  const limitBytes = number('limitBytes');
  const sinceTime = params.get('sinceTime');
  if (tailLines !== undefined) query.tailLines = tailLines;
  if (sinceSeconds !== undefined) query.sinceSeconds = sinceSeconds;
  if (limitBytes !== undefined) query.limitBytes = limitBytes;
  if (sinceTime !== null && sinceTime !== '') query.sinceTime = sinceTime;
  return query;
}

function parseStream(text: string | null): LogQuery['stream'] {
  if (text === null || text === '' || text === 'All') return 'All';
  if (text === 'Stdout' || text === 'Stderr') return text;
  throw new Error(`stream must be Stdout, Stderr or All, not "${text}"`);
}

/** Docker's logs options for a kubelet log query, at `nowSeconds`. */
export function dockerLogOptions(query: LogQuery, nowSeconds: number): ContainerLogsOptions {
  const since =
    query.sinceSeconds !== undefined
      ? nowSeconds - query.sinceSeconds
      : query.sinceTime !== undefined
        ? Math.floor(Date.parse(query.sinceTime) / 1000)
        : undefined;
  return {
    stdout: query.stream !== 'Stderr',
    stderr: query.stream !== 'Stdout',
    timestamps: query.timestamps,
    ...(query.tailLines === undefined ? {} : { tail: query.tailLines }),
    ...(since === undefined || Number.isNaN(since) ? {} : { since }),
  } as ContainerLogsOptions;
}

/**
 * The part of the kubelet's HTTPS API the API server needs for `pods/log`:
 * `GET /containerLogs/{namespace}/{pod}/{container}` with follow, tailLines, timestamps,
 * sinceSeconds/sinceTime, limitBytes, previous and stream, read from Docker's log of the
 * container (stdout and stderr interleaved, as the kubelet's CRI log is, or one of them; a long
 * line stamped once, see log-frames.ts). Only clients with a certificate
 * of the test CA and an allowed common name get an answer (mutual TLS, like a kubelet with
 * `--client-ca-file`); everything else is 401/403.
 */
export class LogServer {
  private readonly server: https.Server;

  constructor(
    private readonly runtime: DockerRuntime,
    private readonly tls: LogServerTls,
  ) {
    this.server = https.createServer(
      {
        cert: tls.cert,
        key: tls.key,
        ca: tls.clientCa,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          if (!response.headersSent) send(response, 500, (error as Error).message);
          else response.destroy();
        });
      },
    );
  }

  /** Listens on 127.0.0.1:`port` (0 picks a free port); resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () =>
        resolve((this.server.address() as AddressInfo).port),
      );
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const socket = request.socket as TLSSocket;
    if (!socket.authorized)
      return send(
        response,
        401,
        'Unauthorized: a client certificate of the cluster CA is required',
      );
    const commonName = socket.getPeerCertificate().subject?.CN;
    if (typeof commonName !== 'string' || !this.tls.allowedClients.includes(commonName)) {
      return send(response, 403, `Forbidden: ${String(commonName)} may not read logs`);
    }
    const url = new URL(request.url ?? '/', 'https://node');
    if (url.pathname === '/healthz') return send(response, 200, 'ok');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (request.method !== 'GET' || match === null) return send(response, 404, 'not found');
    const [, namespace, podName, container] = match.map((part) => decodeURIComponent(part));
    let query: LogQuery;
    try {
      query = parseLogQuery(url.searchParams);
    } catch (error) {
      return send(response, 400, (error as Error).message);
    }
    const infos = (await this.runtime.list()).filter(
      (info) =>
        info.Config.Labels[labels.namespace] === namespace &&
        info.Config.Labels[labels.podName] === podName &&
        info.Config.Labels[labels.container] === container,
    );
    // The newest pod of that name (a re-created pod has a new uid), then its newest attempt.
    infos.sort((a, b) => Date.parse(b.Created) - Date.parse(a.Created));
    const newestUid = infos[0]?.Config.Labels[labels.podUid];
    const attempts = infos.filter((info) => info.Config.Labels[labels.podUid] === newestUid);
    const current = latestAttempts(attempts).get(container ?? '');
    const target = query.previous
      ? attempts.find(
          (info) =>
            info.Config.Labels[labels.attempt] ===
            String(Number(current?.Config.Labels[labels.attempt] ?? 0) - 1),
        )
      : current;
    if (target === undefined) {
      return send(
        response,
        404,
        `container "${container}" in pod "${namespace}/${podName}" is not (yet) on this node`,
      );
    }
    const options = dockerLogOptions(query, Math.floor(Date.now() / 1000));
    const dockerContainer = this.runtime.docker.getContainer(target.Id);
    const raw = query.follow
      ? await dockerContainer.logs({ ...options, follow: true })
      : await dockerContainer.logs({ ...options, follow: false });
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    const plain = new PassThrough();
    const output =
      query.limitBytes === undefined ? plain : plain.pipe(limitBytes(query.limitBytes));
    output.pipe(response);
    if (Buffer.isBuffer(raw)) {
      // Not following: Docker answers the whole (multiplexed) log at once.
      plain.end(readLogFrames(raw, query.timestamps));
      return;
    }
    raw.pipe(new LogFrameReader(query.timestamps)).pipe(plain);
    raw.on('error', () => plain.end());
    const stop = (): void => {
      (raw as { destroy?: () => void }).destroy?.();
    };
    response.on('close', stop);
    output.on('end', stop);
  }
}

/** Passes the first `limit` bytes, then ends. */
function limitBytes(limit: number): Transform {
  let left = limit;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (left <= 0) return callback();
      const part = chunk.subarray(0, left);
      left -= part.length;
      this.push(part);
      if (left <= 0) this.push(null);
      callback();
    },
  });
}

function send(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain' });
  response.end(`${message}\n`);
}
