/**
 * The dashboard's only way to the server: GraphQL over HTTP POST (queries, mutations) and
 * graphql-ws on the same path (subscriptions). Errors keep the server's stable `extensions.code`.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import type { Diagnostic } from './types.js';

/** A GraphQL or transport failure. `code` is the server's `extensions.code` (or NETWORK). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; diagnostics?: Diagnostic[] };
}

function toApiError(errors: readonly GraphQLErrorShape[]): ApiError {
  const first = errors[0];
  return new ApiError(
    errors.map((e) => e.message).join('; '),
    first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
    first?.extensions?.diagnostics ?? [],
  );
}

/** Receives a subscription's results. */
export interface Sink<T> {
  next(value: T): void;
  error?(error: ApiError): void;
  complete?(): void;
}

export interface ApiClient {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Starts a subscription; returns the function that stops it. */
  subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>): () => void;
  dispose(): void;
}

export interface ApiClientOptions {
  token: string;
  /** `/graphql` on the page's origin by default. */
  httpUrl?: string;
  wsUrl?: string;
  /** Called once when the server says the token is not (or no longer) valid. */
  onUnauthenticated?: () => void;
}

function defaultUrls(): { http: string; ws: string } {
  const { protocol, host } = window.location;
  return {
    http: `${protocol}//${host}/graphql`,
    ws: `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`,
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const urls =
    options.httpUrl && options.wsUrl ? { http: options.httpUrl, ws: options.wsUrl } : defaultUrls();
  const authorization = `Bearer ${options.token}`;
  let ws: Client | undefined;
  const socket = (): Client => {
    ws ??= createClient({
      url: urls.ws,
      lazy: true,
      connectionParams: { authorization },
      // Live views replay from the last sequence they saw, so reconnecting loses nothing.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    return ws;
  };
  const fail = (error: ApiError): ApiError => {
    if (error.code === 'UNAUTHENTICATED') options.onUnauthenticated?.();
    return error;
  };

  return {
    async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      let response: Response;
      try {
        response = await fetch(urls.http, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query, variables }),
        });
      } catch (cause) {
        throw new ApiError(`cannot reach the server: ${String(cause)}`, 'NETWORK');
      }
      let body: { data?: T; errors?: GraphQLErrorShape[] };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw fail(
          new ApiError(
            `the server answered ${response.status}`,
            response.status === 401 ? 'UNAUTHENTICATED' : 'NETWORK',
          ),
        );
      }
      if (body.errors !== undefined && body.errors.length > 0) throw fail(toApiError(body.errors));
      if (body.data === undefined)
        throw new ApiError('empty answer from the server', 'INTERNAL_SERVER_ERROR');
      return body.data;
    },

    subscribe<T>(query: string, variables: Record<string, unknown>, sink: Sink<T>): () => void {
      return socket().subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors !== undefined && result.errors.length > 0) {
              sink.error?.(fail(toApiError(result.errors as GraphQLErrorShape[])));
            } else if (result.data !== undefined && result.data !== null) {
              sink.next(result.data as T);
            }
          },
          error: (error: unknown) => {
            const shaped = Array.isArray(error)
              ? toApiError(error as GraphQLErrorShape[])
              : new ApiError(
                  error instanceof Error ? error.message : 'subscription closed',
                  'NETWORK',
                );
            sink.error?.(fail(shaped));
          },
          complete: () => sink.complete?.(),
        },
      );
    },

    dispose(): void {
      void ws?.dispose();
      ws = undefined;
    },
  };
}
