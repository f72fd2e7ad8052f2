/**
 * Security review finding 2: a WebSocket connection's identity is re-checked. Deleting its token
 * closes the socket with 4401; removing the member ends its open subscriptions with FORBIDDEN and
 * refuses new ones on the same socket. One connection holds at most 100 subscriptions.
 */
import type { FormattedExecutionResult } from 'graphql';
import type { Client } from 'graphql-ws';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_UNAUTHENTICATED } from '../../src/graphql/index.js';
import { firstCode, postGraphql, waitFor } from './support/api-client.js';
import type { RealServer } from './support/real-server.js';
import { startRealServer } from './support/real-server.js';

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const ORG = `team${unique}`;
const OTHER = `side${unique}`;
const EVENTS = 'subscription($o: String) { events(organization: $o) { seq } }';

interface Socket {
  readonly client: Client;
  readonly connected: Promise<void>;
  closedWith(): number | undefined;
}

/** A non-lazy client: one socket that stays open whatever its subscriptions do. */
function openSocket(wsUrl: string, token: string): Socket {
  let closed: number | undefined;
  let onConnected = (): void => {};
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    // The close is what the tests wait for; the client would print it otherwise.
    onNonLazyError: () => undefined,
    connectionParams: { authorization: `Bearer ${token}` },
    on: {
      connected: () => onConnected(),
      closed: (event) => (closed = (event as { code: number }).code),
    },
  });
  return { client, connected, closedWith: () => closed };
}

/** Subscribes and records what arrives: results, an error message, or the end. */
function watch(client: Client, organization: string) {
  const state = {
    items: [] as FormattedExecutionResult[],
    error: undefined as unknown,
    ended: false,
  };
  client.subscribe(
    { query: EVENTS, variables: { o: organization } },
    {
      next: (value) => state.items.push(value as FormattedExecutionResult),
      error: (error) => {
        state.error = error;
        state.ended = true;
      },
      complete: () => (state.ended = true),
    },
  );
  return state;
}

/** The code of the first error a subscription got, in a result or as an error message. */
function codeOf(state: ReturnType<typeof watch>): unknown {
  const fromItem = state.items.map((i) => firstCode(i)).find((c) => c !== undefined);
  if (fromItem !== undefined) return fromItem;
  const errors = Array.isArray(state.error)
    ? (state.error as FormattedExecutionResult['errors'])
    : [];
  return errors?.[0]?.extensions?.['code'];
}

describe('WebSocket sessions are re-checked (real server)', () => {
  let api: RealServer;
  const sockets: Socket[] = [];

  const call = async (query: string, variables?: Record<string, unknown>) => {
    const r = await postGraphql(api.url, api.adminToken, query, variables);
    expect(r.body.errors).toBeUndefined();
    return r.body.data as Record<string, unknown>;
  };
  const tokenFor = async (user: string) => {
    const data = await call(
      'mutation($u: String!) { createToken(name: "ws", forUser: $u) { token { id } secret } }',
      { u: user },
    );
    const created = data['createToken'] as { token: { id: string }; secret: string };
    return { id: created.token.id, secret: created.secret };
  };
  const socketFor = async (token: string) => {
    const socket = openSocket(api.wsUrl, token);
    sockets.push(socket);
    await socket.connected;
    return socket;
  };

  beforeAll(async () => {
    api = await startRealServer('local');
    for (const org of [ORG, OTHER]) {
      await call('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.client.dispose()));
    await api?.close();
    await api?.removeData();
  });

  it('deleting the token closes the socket with 4401 and ends its subscriptions', async () => {
    const user = `del${unique}`;
    await call(
      'mutation($o: String!, $u: String!) { setMember(organization: $o, user: $u, role: VIEWER) { role } }',
      { o: ORG, u: user },
    );
    const token = await tokenFor(user);
    const socket = await socketFor(token.secret);
    const open = watch(socket.client, ORG);
    await call('mutation($id: ID!) { deleteToken(id: $id) }', { id: token.id });
    await waitFor(() => socket.closedWith() !== undefined, 30_000, 'the socket to close');
    expect(socket.closedWith()).toBe(CLOSE_UNAUTHENTICATED);
    await waitFor(() => open.ended, 30_000, 'the subscription to end');
  }, 90_000);

  it('removing the member ends open subscriptions with FORBIDDEN and refuses new ones', async () => {
    const user = `rm${unique}`;
    for (const org of [ORG, OTHER]) {
      await call(
        'mutation($o: String!, $u: String!) { setMember(organization: $o, user: $u, role: VIEWER) { role } }',
        { o: org, u: user },
      );
    }
    const token = await tokenFor(user);
    const socket = await socketFor(token.secret);
    const open = watch(socket.client, ORG);
    await call('mutation($o: String!, $u: String!) { removeMember(organization: $o, user: $u) }', {
      o: ORG,
      u: user,
    });
    await waitFor(() => open.ended, 30_000, 'the open subscription to end');
    expect(codeOf(open)).toBe('FORBIDDEN');

    // Same socket, still open: a new subscription runs as the current principal.
    expect(socket.closedWith()).toBeUndefined();
    const again = watch(socket.client, ORG);
    await waitFor(() => again.ended, 30_000, 'the new subscription to be refused');
    expect(codeOf(again)).toBe('FORBIDDEN');
    const allowed = watch(socket.client, OTHER);
    await postGraphql(api.url, token.secret, '{ me { name } }');
    expect(allowed.ended).toBe(false);
    expect(socket.closedWith()).toBeUndefined();
  }, 120_000);

  it('refuses a subscription beyond 100 on one connection with TOO_MANY_SUBSCRIPTIONS', async () => {
    const socket = await socketFor(api.adminToken);
    const open = Array.from({ length: 100 }, () => watch(socket.client, ORG));
    const extra = watch(socket.client, ORG);
    await waitFor(() => extra.ended, 30_000, 'the 101st subscription to be refused');
    expect(codeOf(extra)).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(open.filter((o) => o.ended)).toEqual([]);
    expect(socket.closedWith()).toBeUndefined();
  }, 90_000);
});
