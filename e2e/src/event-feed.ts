/**
 * A GraphQL `events` subscription over graphql-ws, as the dashboard follows a server: collects
 * every event it is given (with its `seq`), for tests that check nothing was lost, doubled or
 * reordered across a failover.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface FedEvent {
  readonly seq: number;
  readonly runId: string;
  readonly scope: string;
  readonly path: string;
  readonly status: string;
}

export interface EventFeed {
  readonly events: readonly FedEvent[];
  /** Errors the subscription ended with (a test asserts none). */
  readonly errors: readonly unknown[];
  close(): Promise<void>;
}

const EVENTS = `subscription($after: Float) { events(afterSeq: $after) { seq runId scope path status } }`;

/** Subscribes to every event the token may view, replayed from `afterSeq`, then live. */
export function followEvents(
  server: { readonly url: string },
  token: string,
  afterSeq: number,
): EventFeed {
  const events: FedEvent[] = [];
  const errors: unknown[] = [];
  const client = createClient({
    url: `${server.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const stop = client.subscribe<{ events: FedEvent }>(
    { query: EVENTS, variables: { after: afterSeq } },
    {
      next: (message) => {
        if (message.data?.events !== undefined) events.push(message.data.events);
        if (message.errors !== undefined) errors.push(message.errors);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    events,
    errors,
    async close() {
      stop();
      await client.dispose();
    },
  };
}
