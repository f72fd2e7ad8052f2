/**
 * graphql-ws on the HTTP server's `/graphql` path: authentication from the connection params,
 * the same validation limits and error formatting as HTTP.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal, ServerServices } from '../../services/contracts.js';
import { ServerErrorCode } from '../../services/contracts.js';
import { createContext } from '../context.js';
import type { ApiLogger } from '../errors/api-logger.js';
import { toClientError } from '../errors/client-error.js';
import { authenticate } from './authenticate.js';

/** Close code for a missing or unknown token (graphql-ws itself uses 4403 for "forbidden"). */
export const CLOSE_UNAUTHENTICATED = 4401;

// A type alias (not an interface): graphql-ws wants it assignable to Record<PropertyKey, unknown>.
type ConnectionExtra = { principal?: Principal };

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
}): WebSocketTransport {
  const { schema, services, path, rules, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const allRules = [...specifiedRules, ...rules];

  const disposable = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema,
      // Never put internal error messages in close reasons, whatever NODE_ENV says.
      isProd: true,
      validate: (s, document) => validate(s, document, allRules),
      async onConnect(ctx) {
        try {
          ctx.extra.principal = await authenticate(
            services,
            ctx.connectionParams?.['authorization'],
            logger,
          );
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
      context: (ctx) => createContext(services, ctx.extra.principal),
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
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  return {
    attach(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },
    async stop() {
      for (const server of attached) server.off('upgrade', onUpgrade);
      attached.clear();
      // Closes every socket with 1001 Going away; their subscriptions' feeds are aborted.
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
