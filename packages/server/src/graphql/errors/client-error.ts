/**
 * What a client sees of an error. One function for HTTP (Apollo's `formatError`) and WebSocket
 * (graphql-ws `onNext`/`onError`), so both transports answer alike:
 *
 * - our own errors (`ContainerOpsError` of kind user/operational) keep their stable `code` and
 *   message; `INVALID_DEFINITION` also carries `extensions.diagnostics`;
 * - errors graphql and Apollo raise on purpose (parse, validation, variable coercion, the limits,
 *   UNAUTHENTICATED from the transports) keep their code;
 * - anything else is a bug or an outage: the client gets INTERNAL_SERVER_ERROR and a log id, the
 *   log gets the real error — never its message or stack in the response;
 * - except a write that found the disk or database full: STORAGE_FULL (nothing was stored).
 */
import { randomUUID } from 'node:crypto';
import { ContainerOpsError, RUN_INPUTS_INVALID } from '@containerops/core';
import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { isStorageFull, StorageFullError } from '../../db/storage-failure.js';
import { ServerErrorCode } from '../../services/contracts.js';
import type { ApiLogger } from './api-logger.js';

/** Creates the UNAUTHENTICATED error both transports raise for a missing or unknown token. */
export function unauthenticatedError(): GraphQLError {
  return new GraphQLError('Sign in: send a valid bearer token (Authorization: Bearer <token>).', {
    extensions: { code: ServerErrorCode.unauthenticated, http: { status: 401 } },
  });
}

/** An INTERNAL_SERVER_ERROR whose details went to `logger` under a fresh log id. */
export function internalError(cause: unknown, logger: ApiLogger, where: string): GraphQLError {
  const logId = randomUUID();
  logger.error(`unexpected error in ${where}`, { logId, error: describe(cause) });
  return new GraphQLError(`Internal server error (log id ${logId}).`, {
    extensions: { code: ServerErrorCode.internal, logId },
  });
}

export function toClientError(error: GraphQLError, logger: ApiLogger): GraphQLFormattedError {
  const where = { locations: error.locations, path: error.path };
  const original = error.originalError;

  if (original instanceof ContainerOpsError && original.kind !== 'unexpected') {
    const extensions: Record<string, unknown> = { code: original.code };
    const diagnostics = original.details['diagnostics'];
    if (diagnostics !== undefined) extensions['diagnostics'] = diagnostics;
    // The refused names by kind (reserved, undeclared, missing), for clients to show per field.
    if (original.code === RUN_INPUTS_INVALID) extensions['inputs'] = { ...original.details };
    return { message: original.message, ...where, extensions };
  }
  if (original === undefined || original === null || original instanceof GraphQLError) {
    // The thrown error's own code wins over a wrapper's generic one (Apollo wraps every validation
    // error as GRAPHQL_VALIDATION_FAILED, ours included: QUERY_TOO_DEEP must survive that).
    const extensions = {
      ...error.extensions,
      ...(original instanceof GraphQLError ? original.extensions : {}),
    };
    // The HTTP status hint is for the transport, not the client.
    delete extensions['http'];
    extensions['code'] ??= error.message.startsWith('Syntax Error')
      ? 'GRAPHQL_PARSE_FAILED'
      : 'GRAPHQL_VALIDATION_FAILED';
    return { message: error.message, ...where, extensions };
  }
  if (isStorageFull(original)) {
    // A write outside Database.transaction (a single statement) that found the disk full.
    const full = new StorageFullError('database', original);
    return { message: full.message, ...where, extensions: { code: full.code } };
  }
  const internal = internalError(original, logger, pathOf(error));
  return { message: internal.message, ...where, extensions: internal.extensions };
}

function pathOf(error: GraphQLError): string {
  return error.path === undefined ? 'operation' : `field ${error.path.join('.')}`;
}

function describe(cause: unknown): Record<string, unknown> {
  if (cause instanceof Error) {
    return { name: cause.name, message: cause.message, stack: cause.stack, cause: cause.cause };
  }
  return { value: String(cause) };
}
