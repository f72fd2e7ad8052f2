import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';

/** An error answer of the API server: the HTTP status and the `Status` body's reason/message. */
export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** How a request body is sent; `merge` and `strategic` are the two PATCH flavours used here. */
export type KubeBodyType = 'json' | 'merge' | 'strategic';

const contentTypes: Record<KubeBodyType, string> = {
  json: 'application/json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/**
 * A deliberately small REST client for the API server. `@kubernetes/client-node` loads the
 * kubeconfig (certificates, CA, server URL); requests go through `node:https` directly because
 * the agent needs exact control over PATCH content types, the `pods/status` subresource, and
 * long-lived watch streams that it can abort and resume itself.
 */
export class KubeClient {
  private constructor(
    private readonly server: URL,
    private readonly tls: https.RequestOptions,
  ) {}

  /** Reads a kubeconfig file (its current context); throws when it names no cluster. */
  static async fromKubeconfig(file: string): Promise<KubeClient> {
    const config = new KubeConfig();
    config.loadFromFile(file);
    const cluster = config.getCurrentCluster();
    if (cluster === null) throw new Error(`kubeconfig ${file} has no current cluster`);
    const tls: https.RequestOptions = {};
    await config.applyToHTTPSOptions(tls);
    // One agent per client keeps the connections (and the TLS handshakes) reused.
    tls.agent = new https.Agent({ keepAlive: true, ...pickTls(tls) });
    return new KubeClient(new URL(cluster.server), tls);
  }

  /** Sends a request and parses the JSON answer; non-2xx answers throw {@link KubeApiError}. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    type: KubeBodyType = 'json',
  ): Promise<T> {
    const response = await this.open(method, path, body, type);
    const text = await readAll(response);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw toApiError(status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Opens a streaming GET (watches). The caller reads the response and destroys it to stop;
   * non-2xx answers throw {@link KubeApiError} after reading the body.
   */
  async stream(path: string, signal?: AbortSignal): Promise<IncomingMessage> {
    const response = await this.open('GET', path, undefined, 'json', signal);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) throw toApiError(status, await readAll(response));
    return response;
  }

  private open(
    method: string,
    path: string,
    body: unknown,
    type: KubeBodyType,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(url, {
        ...this.tls,
        method,
        headers: {
          Accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'Content-Type': contentTypes[type], 'Content-Length': Buffer.byteLength(payload) }),
        },
        ...(signal === undefined ? {} : { signal }),
      });
      request.on('response', resolve);
      request.on('error', reject);
      request.end(payload);
    });
  }
}

/** True when the error is the API server's answer with this HTTP status. */
export function isStatus(error: unknown, statusCode: number): boolean {
  return error instanceof KubeApiError && error.statusCode === statusCode;
}

function pickTls(options: https.RequestOptions): https.AgentOptions {
  const { ca, cert, key, rejectUnauthorized } = options;
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
  };
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

function toApiError(statusCode: number, text: string): KubeApiError {
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeApiError(statusCode, status.reason ?? '', status.message ?? text);
  } catch {
    return new KubeApiError(statusCode, '', text.slice(0, 500) || `HTTP ${statusCode}`);
  }
}
