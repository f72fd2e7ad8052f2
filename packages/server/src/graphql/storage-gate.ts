/**
 * Refuses mutations with STORAGE_FULL while the server cannot store writes (disk or database
 * full; see db/storage-health.ts), before any resolver runs: a mutation whose effects might be
 * acknowledged but not stored (a triggered run lives in memory first) must not start at all.
 * The check re-probes the storage when due, so the first mutation after space returns passes.
 *
 * `cancelRun` alone passes: stopping a runaway job is how an operator stops the disk filling, it
 * takes effect in memory at once, and its events are stored when space returns.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ContainerOpsError } from '@containerops/core';
import { GraphQLError, Kind } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import type { ServerServices } from '../services/contracts.js';

export function storageGatePlugin<TContext extends object>(
  services: ServerServices,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async didResolveOperation({ operation, operationName }) {
          if (operation?.operation !== 'mutation' || onlyAllowed(operation)) return;
          try {
            await services.health.assertWritable(`mutation ${operationName ?? '(anonymous)'}`);
          } catch (error) {
            if (!(error instanceof ContainerOpsError)) throw error;
            throw new GraphQLError(error.message, {
              originalError: error,
              extensions: { code: error.code, http: { status: 503 } },
            });
          }
        },
      });
    },
  };
}

/** Mutations that may run while storage is full. */
const ALLOWED_WHILE_FULL = new Set(['cancelRun']);

function onlyAllowed(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === Kind.FIELD &&
      (s.name.value === '__typename' || ALLOWED_WHILE_FULL.has(s.name.value)),
  );
}
