/**
 * Validation rule: refuses operations that could make the server produce too many objects
 * (QUERY_TOO_COMPLEX), before anything runs.
 *
 * Cost = the number of objects (non-leaf values) the operation may return, at worst:
 * - an object field costs 1 plus the cost of its selection;
 * - a list field costs that once per element it may hold: its page size when paginated
 *   (`first`, `limit`: the literal; the argument's default when omitted; the largest value the
 *   resolver accepts for a variable, unknown at validation), {@link UNPAGED_LIST_SIZE}
 *   otherwise. A paginated connection (`runs(first:)`) hands its page size to its `nodes` list;
 * - scalars and enums cost nothing: reading them is free once their object is loaded.
 * So aliases, fan-out (`runs { nodes { workflow { versions ... } } }`) and huge pages add up.
 */
import type {
  FieldNode,
  GraphQLField,
  GraphQLNamedType,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
} from 'graphql';
import { ServerErrorCode } from '../../services/contracts.js';
import { InputLimits } from '../input-rules.js';
import { collectFields } from './collect-fields.js';

/** Default limit: a 100-run page with full stage/action/job trees fits; 500 does not. */
export const DEFAULT_MAX_COMPLEXITY = 20_000;

/** Assumed length of lists without a page size (stages of a run, versions of a workflow...). */
export const UNPAGED_LIST_SIZE = 5;

/** Page-size arguments and the largest value each resolver accepts. */
const PAGE_ARGUMENTS: Readonly<Record<string, number>> = {
  first: InputLimits.pageSize,
  limit: InputLimits.logLimit,
};

export function complexityLimitRule(
  maxComplexity: number = DEFAULT_MAX_COMPLEXITY,
): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const root =
        operation.operation === 'query'
          ? context.getSchema().getQueryType()
          : operation.operation === 'mutation'
            ? context.getSchema().getMutationType()
            : context.getSchema().getSubscriptionType();
      if (root == null) return false;
      const cost = costOf(context, operation.selectionSet, root, new Set(), undefined);
      if (cost > maxComplexity) {
        const name = operation.name?.value ?? 'anonymous operation';
        context.reportError(
          new GraphQLError(
            `${name} may return about ${cost} objects; the limit is ${maxComplexity}. Ask for smaller pages or fewer nested lists.`,
            {
              nodes: [operation],
              extensions: { code: ServerErrorCode.queryTooComplex, cost, maxComplexity },
            },
          ),
        );
      }
      return false;
    },
  });
}

function costOf(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parentType: GraphQLNamedType,
  expanding: ReadonlySet<string>,
  inheritedPage: number | undefined,
): number {
  let total = 0;
  for (const { node, expanding: inner } of collectFields(context, selectionSet, expanding)) {
    const definition = fieldDefinition(parentType, node);
    // Unknown fields are reported by graphql's FieldsOnCorrectType rule; cost them as an object.
    const type = definition?.type;
    if (type !== undefined && isLeafType(getNamedType(type))) continue;
    const page = definition === undefined ? undefined : pageSize(node, definition);
    const isList = type !== undefined && isListType(getNullableType(type));
    const elements = isList ? (inheritedPage ?? page ?? UNPAGED_LIST_SIZE) : 1;
    const childType = type === undefined ? undefined : getNamedType(type);
    const below =
      node.selectionSet === undefined || childType === undefined
        ? 0
        : costOf(context, node.selectionSet, childType, inner, isList ? undefined : page);
    total += elements * (1 + below);
  }
  return total;
}

function fieldDefinition(
  parentType: GraphQLNamedType,
  node: FieldNode,
): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(parentType) || isInterfaceType(parentType)) {
    return parentType.getFields()[node.name.value];
  }
  return undefined;
}

/** The page size a field asks for, or undefined when it takes no page-size argument. */
function pageSize(node: FieldNode, definition: GraphQLField<unknown, unknown>): number | undefined {
  for (const argument of definition.args) {
    const max = PAGE_ARGUMENTS[argument.name];
    if (max === undefined) continue;
    const given = node.arguments?.find((a) => a.name.value === argument.name);
    if (given === undefined) {
      return typeof argument.defaultValue === 'number' ? argument.defaultValue : max;
    }
    if (given.value.kind === Kind.INT) return Number(given.value.value);
    // A variable (even one with a default) is unknown at validation: assume the largest page.
    return max;
  }
  return undefined;
}
