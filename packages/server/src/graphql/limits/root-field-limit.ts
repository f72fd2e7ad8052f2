/**
 * Validation rule: refuses an operation that selects more root fields than allowed
 * (TOO_MANY_ROOT_FIELDS), before anything executes. Aliases make one field many (`a: triggerRun
 * ... b: triggerRun ...`), so one request could otherwise start hundreds of runs or parse
 * workflows by the dozen; the cost of a request should not grow with how many aliases fit in
 * its body. Fragments are expanded (collect-fields.ts), so they cannot hide fields.
 */
import type { OperationTypeNode, ValidationRule } from 'graphql';
import { GraphQLError } from 'graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import { collectFields } from './collect-fields.js';

/** Root fields allowed per operation, by kind. */
export interface RootFieldLimits {
  readonly query: number;
  readonly mutation: number;
  readonly subscription: number;
}

/**
 * Defaults: 10 mutation fields (no screen sends more than 2), 30 query fields (the overview
 * needs 4), 1 subscription field (graphql itself requires it).
 */
export const DEFAULT_ROOT_FIELD_LIMITS: RootFieldLimits = {
  query: 30,
  mutation: 10,
  subscription: 1,
};

export function rootFieldLimitRule(
  limits: RootFieldLimits = DEFAULT_ROOT_FIELD_LIMITS,
): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const kind: OperationTypeNode = operation.operation;
      const max = limits[kind];
      const count = collectFields(context, operation.selectionSet).length;
      if (count > max) {
        const name = operation.name?.value ?? `anonymous ${kind}`;
        context.reportError(
          new GraphQLError(
            `${name} selects ${count} root fields; a ${kind} may select at most ${max} ` +
              '(aliases count): send the rest in further requests.',
            {
              nodes: [operation],
              extensions: { code: ServerErrorCode.tooManyRootFields, max, count },
            },
          ),
        );
      }
      return false;
    },
  });
}
