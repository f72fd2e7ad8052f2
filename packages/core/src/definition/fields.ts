/**
 * Typed readers over YAML nodes. Each reader reports a `wrong-type` (or a more precise) diagnostic
 * and returns `undefined` when the value is unusable, so callers just fall back to defaults and go
 * on looking for more problems.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import { indexPath, joinPath } from './parse-context.js';
import type { ParseContext, Slot, ValueNode } from './parse-context.js';
import { suggest } from './suggest.js';

/** A field of a map: its value slot plus where its key is (unknown-field warnings point there). */
export interface Field extends Slot {
  readonly name: string;
  readonly keyPos: Position;
}

/** Describes a node for messages ("a list", "a string"...). */
export function describeNode(node: ValueNode | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  switch (typeof node.value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'a value';
  }
}

/**
 * The text of a scalar: strings as they are, numbers and booleans as WRITTEN in the file
 * (`1.10` stays "1.10", not "1.1"), so stringified values match what the user sees.
 */
export function scalarText(node: Scalar): string | undefined {
  const { value } = node;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return node.source ?? String(value);
  }
  return undefined;
}

function keyText(node: ValueNode | null): string | undefined {
  return node !== null && isScalar(node) ? scalarText(node) : undefined;
}

/** `<<` as a plain key: the yaml library resolves it to a symbol when merges are enabled. */
function isMergeKey(node: ValueNode | null): boolean {
  if (node === null || !isScalar(node)) return false;
  const { value } = node;
  return typeof value === 'symbol'
    ? value.description === '<<'
    : value === '<<' && node.type === 'PLAIN';
}

/**
 * Reads the fields of a map. Unknown names get an `unknown-field` WARNING (with a suggestion);
 * `<<: *anchor` merge keys are expanded (explicit keys win, then earlier merges). Each field is
 * recorded in the source map. Duplicate keys are reported by the YAML parser itself.
 * @param known the accepted field names, or `null` to accept any (open-ended settings).
 * @param record false when the caller records its own paths (keys that are data, not names).
 */
export function readFields(
  ctx: ParseContext,
  map: YAMLMap,
  path: string,
  known: readonly string[] | null,
  what: string,
  record = true,
): Map<string, Field> {
  const fields = new Map<string, Field>();
  const merges: ValueNode[] = [];
  const visit = (source: YAMLMap, fallback: Position, explicit: boolean): void => {
    for (const pair of source.items) {
      const keyNode = ctx.resolve(pair.key);
      const keyPos = ctx.positionOf(keyNode, fallback);
      if (explicit && isMergeKey(keyNode)) {
        const value = ctx.resolve(pair.value);
        const sources = isSeq(value) ? value.items.map((item) => ctx.resolve(item)) : [value];
        for (const merged of sources) if (merged !== null) merges.push(merged);
        continue;
      }
      const name = keyText(keyNode);
      if (name === undefined) {
        ctx.error(DiagnosticCode.wrongType, `keys in ${what} must be strings`, keyPos, path);
        continue;
      }
      if (fields.has(name)) continue;
      const node = ctx.resolve(pair.value);
      const field: Field = {
        name,
        keyPos,
        node,
        pos: ctx.positionOf(node, keyPos),
        path: joinPath(path, name),
      };
      if (known !== null && !known.includes(name)) {
        const hint = suggest(name, known);
        ctx.warning(
          DiagnosticCode.unknownField,
          `unknown field "${name}" in ${what}${hint === undefined ? '' : `; did you mean "${hint}"?`}`,
          keyPos,
          field.path,
        );
      }
      if (record) ctx.record(field.path, field.pos);
      fields.set(name, field);
    }
  };
  visit(map, ctx.positionOf(map, { line: 1, col: 1 }), true);
  for (const merged of merges) {
    if (isMap(merged)) visit(merged, ctx.positionOf(merged, { line: 1, col: 1 }), false);
    else
      ctx.error(
        DiagnosticCode.wrongType,
        `a "<<" merge needs a map or a list of maps`,
        ctx.positionOf(merged, { line: 1, col: 1 }),
        path,
      );
  }
  return fields;
}

function wrongType(ctx: ParseContext, slot: Slot, expected: string): undefined {
  ctx.error(DiagnosticCode.wrongType, `expected ${expected}, got ${describeNode(slot.node)}`, slot);
  return undefined;
}

/** A map, or `undefined` (absent/null silently; anything else reported). */
export function readMap(ctx: ParseContext, slot: Slot | undefined): YAMLMap | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  return isMap(slot.node) ? slot.node : wrongType(ctx, slot, 'a map');
}

/** A list, or `undefined` (absent/null silently; anything else reported). */
export function readSeq(ctx: ParseContext, slot: Slot | undefined): YAMLSeq | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  return isSeq(slot.node) ? slot.node : wrongType(ctx, slot, 'a list');
}

/** The items of a list as slots (nulls kept: callers decide whether a bare `-` is allowed). */
export function seqItems(ctx: ParseContext, seq: YAMLSeq, parent: Slot): Slot[] {
  return seq.items.map((item, index) => {
    const node = ctx.resolve(item);
    // A bare `-` has no range of its own worth showing; point at the list instead.
    const pos =
      node === null
        ? ctx.positionOf(isScalar(item) ? item : null, parent.pos)
        : ctx.positionOf(node, parent.pos);
    return { node, pos, path: indexPath(parent.path, index) };
  });
}

/** A string; numbers and booleans are accepted as written (`tag: 1.0` -> "1.0"). */
export function readString(ctx: ParseContext, slot: Slot | undefined): string | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  const text = isScalar(slot.node) ? scalarText(slot.node) : undefined;
  return text ?? wrongType(ctx, slot, 'a string');
}

/** A strict string (numbers are NOT accepted): for Lua hooks and other source text. */
export function readStrictString(ctx: ParseContext, slot: Slot | undefined): string | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  return isScalar(slot.node) && typeof slot.node.value === 'string'
    ? slot.node.value
    : wrongType(ctx, slot, 'a string');
}

/** `true`/`false` (YAML 1.2: `yes`/`no` are strings and are refused with a hint). */
export function readBool(ctx: ParseContext, slot: Slot | undefined): boolean | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  if (isScalar(slot.node) && typeof slot.node.value === 'boolean') return slot.node.value;
  return wrongType(ctx, slot, 'true or false');
}

/** A finite number. */
export function readNumber(ctx: ParseContext, slot: Slot | undefined): number | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  if (
    isScalar(slot.node) &&
    typeof slot.node.value === 'number' &&
    Number.isFinite(slot.node.value)
  ) {
    return slot.node.value;
  }
  return wrongType(ctx, slot, 'a number');
}

/** An integer >= `min` (below `min` is `invalid-value`). */
export function readInteger(
  ctx: ParseContext,
  slot: Slot | undefined,
  min: number,
): number | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  const value = isScalar(slot.node) ? slot.node.value : undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    return wrongType(ctx, slot, 'an integer');
  if (value < min) {
    ctx.error(DiagnosticCode.invalidValue, `must be an integer >= ${min}, got ${value}`, slot);
    return undefined;
  }
  return value;
}

/** A string or a number, raw (for unit parsers that accept both). */
export function readStringOrNumber(
  ctx: ParseContext,
  slot: Slot | undefined,
): string | number | undefined {
  if (slot === undefined || slot.node === null) return undefined;
  const value = isScalar(slot.node) ? slot.node.value : undefined;
  if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  return wrongType(ctx, slot, 'a number or a string');
}
