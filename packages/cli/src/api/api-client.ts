/**
 * The CLI's way to a ContainerOps server: GraphQL queries and mutations over HTTP (fetch), and
 * subscriptions over WebSocket (`graphql-ws`, with the `ws` package as its socket). Every failure
 * becomes an {@link ApiError} with a stable code.
 */
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ApiError,
  ClientErrorCode,
  fromGraphqlError,
  unauthenticated,
  unreachable,
} from './api-error.js';

/** Where the server is and who the caller is. */
export interface ApiTarget {
  /** `http(s)://host:port`, with or without the `/graphql` path. */
  readonly server: string;
  /** An API token (`co_...`). */
  readonly token: string;
}

/** What a subscription hands its caller; `error` and `complete` end it (only one is called). */
export interface SubscriptionSink<T> {
  next(data: T): void;
  error(error: ApiError): void;
  complete(): void;
}

/** The graphql-ws close code for a refused token (packages/server README, "API"). */
const CLOSE_UNAUTHENTICATED = 4401;

/** `http://h:p`, `http://h:p/`, `http://h:p/graphql` → `http://h:p/graphql`. */
export function graphqlUrl(server: string): string {
  const url = new URL(server);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`expected an http:// or https:// URL, got ${server}`);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/graphql') ? path : `${path}/graphql`;
  return url.toString();
}

export class ApiClient {
  readonly url: string;
  private readonly wsUrl: string;
  private ws: Client | undefined;
  /** The last socket-level error, to say why a subscription's connection closed. */
  private lastSocketError: unknown;

  constructor(private readonly target: ApiTarget) {
    this.url = graphqlUrl(target.server);
    this.wsUrl = this.url.replace(/^http/, 'ws');
  }

  /** Runs a query or mutation; resolves with its `data`, rejects with an ApiError. */
  async request<T>(query: string, variables: Readonly<Record<string, unknown>> = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.target.token}`,
        },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw unreachable(this.url, error);
    }
    if (response.status === 401) throw unauthenticated(this.url);
    let body: {
      data?: T | null;
      errors?: { message?: unknown; extensions?: Record<string, unknown> }[];
    };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new ApiError(
        ClientErrorCode.badResponse,
        `${this.url} did not answer with GraphQL (HTTP ${response.status}): is --server the ` +
          'ContainerOps server?',
        [],
        { cause: error },
      );
    }
    const first = body.errors?.[0];
    if (first !== undefined) throw fromGraphqlError(first);
    if (body.data == null) {
      throw new ApiError(ClientErrorCode.badResponse, `${this.url} answered without data`);
    }
    return body.data;
  }

  /**
   * Starts a subscription; returns its stop function (safe to call twice, and after the end).
   * Subscriptions share one WebSocket, opened on the first and closed by {@link close}.
   */
  subscribe<T>(
    query: string,
    variables: Readonly<Record<string, unknown>>,
    sink: SubscriptionSink<T>,
  ): () => void {
    let ended = false;
    const end = (): boolean => {
      if (ended) return false;
      ended = true;
      return true;
    };
    const stop = this.socket().subscribe<T>(
      { query, variables: { ...variables } },
      {
        next: (result) => {
          if (ended) return;
          const first = result.errors?.[0];
          if (first !== undefined) {
            if (end()) sink.error(fromGraphqlError(first));
            stop();
            return;
          }
          if (result.data != null) sink.next(result.data);
        },
        error: (error) => {
          if (end()) sink.error(this.subscriptionError(error));
        },
        complete: () => {
          if (end()) sink.complete();
        },
      },
    );
    return () => {
      ended = true;
      stop();
    };
  }

  /** Closes the WebSocket, if one was opened. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }

  private socket(): Client {
    this.ws ??= createClient({
      url: this.wsUrl,
      webSocketImpl: WebSocket,
      // A lost connection is reported, not hidden: the caller knows the last seq and can resume.
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${this.target.token}` },
      on: {
        error: (error) => {
          this.lastSocketError = error;
        },
      },
    });
    return this.ws;
  }

  /** graphql-ws hands sinks GraphQL error lists, close events or socket errors. */
  private subscriptionError(error: unknown): ApiError {
    if (Array.isArray(error) && error.length > 0) {
      return fromGraphqlError(error[0] as Parameters<typeof fromGraphqlError>[0]);
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (code === CLOSE_UNAUTHENTICATED) return unauthenticated(this.url);
    if (typeof code === 'number') {
      // 1006: the socket closed without a close frame — never connected, or the server died.
      if (code === 1006) return unreachable(this.url, this.lastSocketError ?? 'connection lost');
      const reason = String((error as { reason?: unknown }).reason ?? '');
      return new ApiError(
        ClientErrorCode.unreachable,
        `the connection to ${this.url} closed (${code}${reason === '' ? '' : ` ${reason}`})`,
      );
    }
    return unreachable(this.url, (error as { error?: unknown } | null)?.error ?? error);
  }
}
