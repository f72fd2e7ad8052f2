/**
 * graphql-ws on the HTTP server's `/graphql` path: authentication from the connection params,
 * the same validation limits and error formatting as HTTP. The connection's identity is
 * re-checked before every subscription, after identity writes and periodically
 * (socket-session.ts): a deleted token closes the socket with 4401, lost rights end the open
 * subscriptions with FORBIDDEN.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Principal, ServerServices } from '../../services/contracts.js';
import { ServerErrorCode } from '../../services/contracts.js';
import { createContext } from '../context.js';
import type { ApiLogger } from '../errors/api-logger.js';
import { internalError, toClientError, unauthenticatedError } from '../errors/client-error.js';
import { authenticate } from './authenticate.js';
import { batchSendsPerTurn } from './batched-sends.js';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION, SocketSession } from './socket-session.js';

/** Close code for a missing or unknown token (graphql-ws itself uses 4403 for "forbidden"). */
export const CLOSE_UNAUTHENTICATED = 4401;

export { MAX_SUBSCRIPTIONS_PER_CONNECTION };

/** Open sockets re-authenticate at least this often (other replicas' writes, token expiry). */
export const DEFAULT_SESSION_RECHECK_MS = 30_000;

// A type alias (not an interface): graphql-ws wants it assignable to Record<PropertyKey, unknown>.
type ConnectionExtra = { session?: SocketSession; socket: WebSocket };

export interface WebSocketTransport {
  attach(server: Server): void;
  stop(): Promise<void>;
}

export function createWebSocketTransport(options: {
  schema: GraphQLSchema;
  services: ServerServices;
  path: string;
  rules: readonly ValidationRule[];
  logger: ApiLogger;
  maxPayloadBytes: number;
  /** Periodic re-authentication of open sockets. Default {@link DEFAULT_SESSION_RECHECK_MS}. */
  sessionRecheckMs?: number;
}): WebSocketTransport {
  const { schema, services, path, rules, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const allRules = [...specifiedRules, ...rules];

  // The token's principal, or undefined once it is unknown, expired or deleted.
  const resolvePrincipal = async (authorization: string): Promise<Principal | undefined> => {
    try {
      return await authenticate(services, authorization, logger);
    } catch (error) {
      if (
        error instanceof GraphQLError &&
        error.extensions['code'] === ServerErrorCode.unauthenticated
      )
        return undefined;
      throw error;
    }
  };
  const sessions = new Map<SocketSession, WebSocket>();
  const closeGone = (socket: WebSocket): void =>
    socket.close(CLOSE_UNAUTHENTICATED, ServerErrorCode.unauthenticated);
  const recheck = (session: SocketSession, socket: WebSocket): void => {
    session.recheck().then(
      (outcome) => {
        if (outcome === 'gone') closeGone(socket);
      },
      // The identity store failing is not a reason to drop everyone; the next check retries.
      (error: unknown) => void internalError(error, logger, 'websocket session re-check'),
    );
  };
  const recheckAll = (): void => {
    for (const [session, socket] of sessions) recheck(session, socket);
  };
  const stopListening = services.identity.onIdentityChanged?.(recheckAll);
  const timer = setInterval(recheckAll, options.sessionRecheckMs ?? DEFAULT_SESSION_RECHECK_MS);
  timer.unref();

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      // Never put internal error messages in close reasons, whatever NODE_ENV says.
      isProd: true,
      validate: (s, document) => validate(s, document, allRules),
      async onConnect(ctx) {
        try {
          const authorization = ctx.connectionParams?.['authorization'];
          const principal = await authenticate(services, authorization, logger);
          // authenticate() accepted it, so it is a string.
          const session = new SocketSession(String(authorization), principal, resolvePrincipal);
          ctx.extra.session = session;
          sessions.set(session, ctx.extra.socket);
          return true;
        } catch (error) {
          // The close reason carries the error code (UNAUTHENTICATED, or INTERNAL_SERVER_ERROR
          // when the identity service failed) — never a message.
          const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
          ctx.extra.socket.close(
            CLOSE_UNAUTHENTICATED,
            typeof code === 'string' ? code : ServerErrorCode.unauthenticated,
          );
          return false;
        }
      },
      onClose(ctx) {
        if (ctx.extra.session !== undefined) sessions.delete(ctx.extra.session);
      },
      // Every new subscription runs as the token's current principal, not the one at connect.
      async onSubscribe(ctx) {
        const session = ctx.extra.session;
        if (session === undefined) return [unauthenticatedError()];
        // Each subscription holds a feed (a bus listener, replay reads): one socket must not
        // open thousands. graphql-ws lists this new one already.
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [
            new GraphQLError(
              `At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection: ` +
                'end some, or open another connection.',
              { extensions: { code: ServerErrorCode.tooManySubscriptions } },
            ),
          ];
        }
        try {
          if ((await session.recheck()) === 'gone') {
            closeGone(ctx.extra.socket);
            return [unauthenticatedError()];
          }
        } catch (error) {
          return [internalError(error, logger, 'websocket authentication')];
        }
        return undefined;
      },
      context: (ctx) =>
        createContext(services, ctx.extra.session?.principal, ctx.extra.session?.revoked),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors === undefined
          ? undefined
          : { ...result, errors: result.errors.map((e) => toClientError(e, logger)) },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => toClientError(e, logger)),
    },
    wss,
  );

  const attached = new Set<Server>();
  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    // Other upgrade paths belong to other handlers on the same server.
    if (pathname !== path) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      batchSendsPerTurn(ws, socket);
      wss.emit('connection', ws, req);
    });
  }

  return {
    attach(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },
    async stop() {
      clearInterval(timer);
      stopListening?.();
      for (const server of attached) server.off('upgrade', onUpgrade);
      attached.clear();
      // Closes every socket with 1001 Going away; their subscriptions' feeds are aborted.
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
