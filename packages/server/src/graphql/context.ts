/** What every resolver receives: the caller, the services, and a per-operation read cache. */
import { UserError } from '@containerops/core';
import type { Principal, ServerServices } from '../services/contracts.js';
import { ServerErrorCode } from '../services/contracts.js';
import { RequestCache } from './request-cache.js';

export interface GraphqlContext {
  readonly services: ServerServices;
  /** Undefined only when a transport let an anonymous call through (tests executing directly). */
  readonly principal: Principal | undefined;
  /** Lives for one HTTP operation or one subscription event. */
  readonly cache: RequestCache;
  /**
   * WebSocket only: aborts (reason: a FORBIDDEN UserError) when the connection's principal lost
   * rights after the subscription started; subscriptions end on it (abortable-feed.ts).
   */
  readonly revoked?: AbortSignal;
}

export function createContext(
  services: ServerServices,
  principal: Principal | undefined,
  revoked?: AbortSignal,
) {
  return {
    services,
    principal,
    cache: new RequestCache(),
    ...(revoked === undefined ? {} : { revoked }),
  } satisfies GraphqlContext;
}

/**
 * The caller, or UNAUTHENTICATED. The transports already refuse anonymous requests; resolvers
 * check again so that no new transport can forget it.
 */
export function requirePrincipal(ctx: GraphqlContext): Principal {
  if (ctx.principal === undefined) {
    throw new UserError(ServerErrorCode.unauthenticated, 'Sign in: send a bearer token.');
  }
  return ctx.principal;
}
