/**
 * The fields a selection set selects, with fragment spreads and inline fragments flattened. A
 * fragment already being expanded on the current path is skipped, so a fragment cycle (reported
 * by graphql's own NoFragmentCycles rule, which runs beside ours) cannot hang the limit rules.
 * Introspection fields (`__schema`, `__type`, `__typename`) are left out: graphql answers them
 * from memory, and their fixed shape is deeper than any limit that suits our own types.
 */
import type { FieldNode, SelectionSetNode, ValidationContext } from 'graphql';
import { Kind } from 'graphql';

export interface CollectedField {
  readonly node: FieldNode;
  /** Fragments expanded on the path to this field (pass on when descending). */
  readonly expanding: ReadonlySet<string>;
}

export function collectFields(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  expanding: ReadonlySet<string> = new Set(),
): CollectedField[] {
  const fields: CollectedField[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!selection.name.value.startsWith('__')) fields.push({ node: selection, expanding });
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fields.push(...collectFields(context, selection.selectionSet, expanding));
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      if (fragment == null || expanding.has(name)) continue;
      fields.push(...collectFields(context, fragment.selectionSet, new Set(expanding).add(name)));
    }
  }
  return fields;
}
