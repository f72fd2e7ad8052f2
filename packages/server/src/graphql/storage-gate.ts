/**
 * Refuses mutations with STORAGE_FULL while the server cannot store writes (disk or database
 * full; see db/storage-health.ts), before any resolver runs: a mutation whose effects might be
 * acknowledged but not stored (a triggered run lives in memory first) must not start at all.
 * The check re-probes the storage when due, so the first mutation after space returns passes.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ContainerOpsError } from '@containerops/core';
import { GraphQLError } from 'graphql';
import type { ServerServices } from '../services/contracts.js';

export function storageGatePlugin<TContext extends object>(
  services: ServerServices,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async didResolveOperation({ operation, operationName }) {
          if (operation?.operation !== 'mutation') return;
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
