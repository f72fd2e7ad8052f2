/** The CLI's GraphQL client for a ContainerOps server (commands `workflow`, `logs`, `run --server`...). */
export { ApiClient, graphqlUrl } from './api-client.js';
export type { ApiTarget, SubscriptionSink } from './api-client.js';
export { ApiError, ClientErrorCode } from './api-error.js';
export type { ApiDiagnostic } from './api-error.js';
export { connect, connectionHelp, connectionOptions, SERVER_ENV, TOKEN_ENV } from './connection.js';
export { followRun } from './run-follower.js';
export type { FollowOptions, RunFollow } from './run-follower.js';
