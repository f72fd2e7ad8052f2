/**
 * Every HTTP request this process creates (Node's `http.client.request.start` diagnostics
 * channel), with the wall-clock time the request object was made: the one point that times the
 * Kubernetes client's request (TLS to the API server, so no proxy can read it) and dockerode's
 * alike, in the same way.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { wallNowMs } from './docker-api-counter.js';

export interface HttpRequestSeen {
  readonly method: string;
  readonly path: string;
  readonly atMs: number;
}

export interface HttpRequestLog {
  readonly requests: readonly HttpRequestSeen[];
  stop(): void;
}

const CHANNEL = 'http.client.request.start';

export function recordHttpRequests(): HttpRequestLog {
  const requests: HttpRequestSeen[] = [];
  const onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    requests.push({ method: request.method, path: request.path, atMs: wallNowMs() });
  };
  subscribe(CHANNEL, onRequest);
  return { requests, stop: () => unsubscribe(CHANNEL, onRequest) };
}
