/** @containerops/server — persistence, domain services, engine host, HTTP (issue 5). */
export type * from './services/contracts.js';
export { ServerErrorCode } from './services/contracts.js';
export { startServer } from './start-server.js';
export type { StartedServer, StartServerOptions } from './start-server.js';
export * from './config/index.js';
export type { GraphqlFactory, GraphqlMount } from './http/graphql-mount.js';
export type { HookHandler } from './http/hook-routes.js';
export { HookRoutes } from './http/hook-routes.js';
export type { CreatedServices } from './services/create-services.js';
export type { ServerLogger } from './logger.js';
export { consoleLogger, silentServerLogger } from './logger.js';
export { graphqlApiFactory } from './graphql/index.js';
export type { DrainReport } from './lifecycle/graceful-shutdown.js';
export { SERVER_ALREADY_RUNNING } from './lifecycle/server-lock.js';
export { ListenErrorCode } from './http/listen.js';
