/** The GraphQL API layer: schema, resolvers, HTTP and WebSocket transports. */
export { createGraphqlApi } from './graphql-api.js';
export type { GraphqlApi, GraphqlApiOptions } from './graphql-api.js';
export { buildApiSchema } from './build-schema.js';
export type { ApiLogger } from './errors/api-logger.js';
export { stderrApiLogger } from './errors/api-logger.js';
export { CLOSE_UNAUTHENTICATED } from './transport/websocket.js';
export { DEFAULT_MAX_COMPLEXITY } from './limits/complexity-limit.js';
export { DEFAULT_MAX_DEPTH } from './limits/depth-limit.js';
export { graphqlApiFactory } from './graphql-factory.js';
