/**
 * Adapts {@link createGraphqlApi} to the HTTP server's mount seam (`http/graphql-mount.ts`):
 * `startServer(config, { graphql: graphqlApiFactory() })` serves the API at `/graphql`.
 */
import type { GraphqlFactory } from '../http/graphql-mount.js';
import type { GraphqlApiOptions } from './graphql-api.js';
import { createGraphqlApi } from './graphql-api.js';

export function graphqlApiFactory(options: GraphqlApiOptions = {}): GraphqlFactory {
  return async (services) => {
    const api = await createGraphqlApi(services, options);
    return {
      handleRequest: (req, res) => api.handle(req, res),
      attachWebSocket: (server) => api.attach(server),
      close: () => api.stop(),
    };
  };
}
