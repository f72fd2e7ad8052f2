/** Bearer token → Principal, for both transports. */
import { GraphQLError } from 'graphql';
import type { Principal, ServerServices } from '../../services/contracts.js';
import type { ApiLogger } from '../errors/api-logger.js';
import { internalError, unauthenticatedError } from '../errors/client-error.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The caller named by an `Authorization` value (`Bearer <token>`). Throws UNAUTHENTICATED when it
 * is missing, malformed, unknown, expired or deleted; INTERNAL_SERVER_ERROR (logged) when the
 * identity service fails.
 */
export async function authenticate(
  services: ServerServices,
  authorization: unknown,
  logger: ApiLogger,
): Promise<Principal> {
  const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  if (token === undefined) throw unauthenticatedError();
  let principal: Principal | undefined;
  try {
    principal = await services.identity.authenticate(token);
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    throw internalError(error, logger, 'authentication');
  }
  if (principal === undefined) throw unauthenticatedError();
  return principal;
}
