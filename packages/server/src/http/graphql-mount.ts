/**
 * The seam between the HTTP server and the GraphQL layer (packages/server/src/graphql, helper C):
 * the GraphQL side builds a {@link GraphqlMount} from the services; the HTTP server sends it
 * every `/graphql` request and lets it attach its WebSocket (graphql-ws) to the same port.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ServerServices } from '../services/contracts.js';

export interface GraphqlMount {
  /** Handles one HTTP request to `/graphql` (POST queries/mutations, GET where allowed). */
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Attaches the `graphql-ws` endpoint at `/graphql` to the server (upgrade requests). */
  attachWebSocket?(server: Server): void;
  /** Closes open subscriptions; called on shutdown before the HTTP server closes. */
  close?(): Promise<void>;
}

/** Builds the mount once the services exist. */
export type GraphqlFactory = (services: ServerServices) => Promise<GraphqlMount>;
