/** Validation rule: refuses operations nested deeper than a limit (QUERY_TOO_DEEP). */
import type { SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import { GraphQLError } from 'graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import { collectFields } from './collect-fields.js';

/** Default maximum depth: the deepest screen (run → stages → actions → jobs → field) needs 6. */
export const DEFAULT_MAX_DEPTH = 12;

export function depthLimitRule(maxDepth: number = DEFAULT_MAX_DEPTH): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = depthOf(context, operation.selectionSet, new Set(), maxDepth + 1);
      if (depth > maxDepth) {
        const name = operation.name?.value ?? 'anonymous operation';
        context.reportError(
          new GraphQLError(`${name} is nested deeper than the limit of ${maxDepth} levels.`, {
            nodes: [operation],
            extensions: { code: ServerErrorCode.queryTooDeep, maxDepth },
          }),
        );
      }
      return false;
    },
  });
}

/** Depth of the selection set, counting stops at `cap` (no need to walk a huge tree fully). */
function depthOf(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  expanding: ReadonlySet<string>,
  cap: number,
): number {
  if (cap <= 0) return 0;
  let deepest = 0;
  for (const { node, expanding: inner } of collectFields(context, selectionSet, expanding)) {
    const below =
      node.selectionSet === undefined ? 0 : depthOf(context, node.selectionSet, inner, cap - 1);
    deepest = Math.max(deepest, 1 + below);
    if (deepest >= cap) break;
  }
  return deepest;
}
