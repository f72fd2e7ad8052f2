/**
 * The GraphQL API as one piece the HTTP server mounts: Apollo Server for queries and mutations
 * over HTTP, graphql-ws for subscriptions on the same path.
 *
 * ```ts
 * const api = await createGraphqlApi(services);
 * http.createServer((req, res) => url.pathname === api.path ? api.handle(req, res) : ...);
 * api.attach(httpServer);
 * // on shutdown, before closing the HTTP server:
 * await api.stop();
 * ```
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError } from 'graphql';
import type { ServerServices } from '../services/contracts.js';
import { buildApiSchema } from './build-schema.js';
import { storageGatePlugin } from './storage-gate.js';
import type { GraphqlContext } from './context.js';
import { createContext } from './context.js';
import type { ApiLogger } from './errors/api-logger.js';
import { stderrApiLogger } from './errors/api-logger.js';
import { internalError, toClientError } from './errors/client-error.js';
import { DEFAULT_MAX_COMPLEXITY, complexityLimitRule } from './limits/complexity-limit.js';
import { DEFAULT_MAX_DEPTH, depthLimitRule } from './limits/depth-limit.js';
import { rootFieldLimitRule } from './limits/root-field-limit.js';
import { authenticate } from './transport/authenticate.js';
import {
  HttpRequestError,
  sendGraphQLResponse,
  sendPlainError,
  toGraphQLRequest,
} from './transport/http-request.js';
import { createWebSocketTransport } from './transport/websocket.js';

export interface GraphqlApiOptions {
  /** URL path of the API, for HTTP and WebSocket. Default `/graphql`. */
  readonly path?: string;
  /** Deepest allowed selection nesting. Default {@link DEFAULT_MAX_DEPTH}. */
  readonly maxDepth?: number;
  /** Highest allowed operation cost (see complexity-limit.ts). Default {@link DEFAULT_MAX_COMPLEXITY}. */
  readonly maxComplexity?: number;
  /** Largest HTTP body / WebSocket message. Default 4 MiB (a 1 MiB YAML escaped in JSON fits). */
  readonly maxBodyBytes?: number;
  /** Where internal errors (with their log id) go. Default: JSON lines on stderr. */
  readonly logger?: ApiLogger;
}

export interface GraphqlApi {
  /** The URL path this API answers on (HTTP and WebSocket). */
  readonly path: string;
  /**
   * Serves one HTTP request whose path is {@link path}: POST (JSON) and GET, per the GraphQL
   * over HTTP spec. Never rejects: failures become HTTP responses.
   */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Serves graphql-ws subscriptions on `server`'s upgrade requests to {@link path}. Idempotent. */
  attach(server: Server): void;
  /** Closes every WebSocket (ending their subscriptions) and stops Apollo. Call once. */
  stop(): Promise<void>;
}

export async function createGraphqlApi(
  services: ServerServices,
  options: GraphqlApiOptions = {},
): Promise<GraphqlApi> {
  const path = options.path ?? '/graphql';
  const logger = options.logger ?? stderrApiLogger;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const schema = await buildApiSchema();
  const rules = [
    depthLimitRule(options.maxDepth ?? DEFAULT_MAX_DEPTH),
    complexityLimitRule(options.maxComplexity ?? DEFAULT_MAX_COMPLEXITY),
    rootFieldLimitRule(),
  ];

  const apollo = new ApolloServer<GraphqlContext>({
    schema,
    validationRules: rules,
    // Every request is authenticated before it executes, so introspection is for signed-in callers.
    introspection: true,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), storageGatePlugin(services)],
    // Apollo's own SIGTERM/SIGINT handler stops Apollo and then re-raises the signal, which kills
    // the process ~0.1 s into our graceful shutdown (stores unflushed, database open). The host
    // owns the signals and calls stop() in its shutdown order.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) =>
      toClientError(
        error instanceof GraphQLError
          ? error
          : new GraphQLError(formatted.message, {
              originalError: error instanceof Error ? error : undefined,
            }),
        logger,
      ),
    logger: apolloLogger(logger),
  });
  await apollo.start();

  const ws = createWebSocketTransport({
    schema,
    services,
    path,
    rules,
    logger,
    maxPayloadBytes: maxBodyBytes,
  });

  return {
    path,
    async handle(req, res) {
      try {
        const httpGraphQLRequest = await toGraphQLRequest(req, maxBodyBytes);
        const response = await apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest,
          context: async () =>
            createContext(
              services,
              await authenticate(services, req.headers.authorization, logger),
            ),
        });
        await sendGraphQLResponse(res, response);
      } catch (error) {
        if (res.headersSent) {
          res.destroy();
        } else if (error instanceof HttpRequestError) {
          sendPlainError(res, error.status, error.message);
        } else {
          sendPlainError(res, 500, internalError(error, logger, 'HTTP transport').message);
        }
      }
    },
    attach(server) {
      ws.attach(server);
    },
    async stop() {
      await ws.stop();
      await apollo.stop();
    },
  };
}

/** Apollo's own log lines (start-up, plugin failures) go through the API logger. */
function apolloLogger(logger: ApiLogger) {
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => logger.warn('apollo', { detail: args.map(String).join(' ') }),
    error: (...args: unknown[]) => logger.error('apollo', { detail: args.map(String).join(' ') }),
  };
}
