/**
 * One `GET /api/v1/namespaces/{ns}/pods/{pod}/log` request, answered as a byte stream.
 * `@kubernetes/client-node`'s `Log` helper cannot ask for one stream (`stream=Stdout|Stderr`) and
 * does not end its sink when the connection fails, so the request is made here with Node's own
 * http(s) client and the kubeconfig's TLS and auth settings (`applyToHTTPSOptions`).
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';

/** Query of a pod log request (the subset this plugin uses). */
export interface PodLogQuery {
  readonly container: string;
  readonly follow: boolean;
  /** RFC 3339; the API server reads it to the second. */
  readonly sinceTime?: string;
  /** One stream only; needs the API server's `PodLogsQuerySplitStreams` feature. */
  readonly stream?: 'Stdout' | 'Stderr';
}

/** A failed request: the HTTP status and the API server's `Status` body, like client-node's errors. */
export class PodLogError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
  ) {
    const message =
      typeof body === 'object' &&
      body !== null &&
      typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : `HTTP ${code}`;
    super(message);
    this.name = 'PodLogError';
  }
}

/** The API server refused `stream=` because its split-streams feature is off (422, field `stream`). */
export function isStreamForbidden(error: unknown): boolean {
  if (!(error instanceof PodLogError) || error.code !== 422) return false;
  const causes = (error.body as { details?: { causes?: { field?: string }[] } } | undefined)
    ?.details?.causes;
  return (causes ?? []).some((cause) => cause.field === 'stream');
}

/** The URL of a pod log request. */
export function podLogUrl(server: string, namespace: string, pod: string, query: PodLogQuery): URL {
  const url = new URL(
    `${server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
  );
  url.searchParams.set('container', query.container);
  url.searchParams.set('timestamps', 'true');
  if (query.follow) url.searchParams.set('follow', 'true');
  if (query.sinceTime !== undefined) url.searchParams.set('sinceTime', query.sinceTime);
  if (query.stream !== undefined) url.searchParams.set('stream', query.stream);
  return url;
}

/**
 * Opens the request; resolves with the response body once the server answered 200 (rejects with
 * {@link PodLogError} otherwise, or the transport error). `signal` aborts the request and ends
 * the body with an error.
 */
export async function openPodLog(kc: KubeConfig, url: URL, signal: AbortSignal): Promise<Readable> {
  const options: https.RequestOptions = { method: 'GET', headers: {} };
  await kc.applyToHTTPSOptions(options);
  const client = url.protocol === 'http:' ? http : https;
  return new Promise<Readable>((resolve, reject) => {
    const request = client.request(url, { ...options, signal }, (response) => {
      if (response.statusCode === 200) {
        resolve(response);
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // Not a Status object: keep the text.
        }
        reject(new PodLogError(response.statusCode ?? 0, body));
      });
    });
    request.on('error', reject);
    request.end();
  });
}
