/**
 * Key/value sections: `environments` (workflow and job), job `inputs` and `labels`. Environments
 * and inputs take either the original ContainerOps form, a list of single-key maps
 * (`- CO_DATA: "..."`), or a plain map (new). Scalar values become strings as written.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import { describeNode, readFields, scalarText, seqItems } from './fields.js';
import type { Field } from './fields.js';
import { isValidEnvName, isValidOutputKey } from './names.js';
import type { ParseContext, Slot } from './parse-context.js';
import { scanTemplates } from './templates.js';

export type StringMapKind = 'environments' | 'inputs' | 'labels';

export interface StringMap {
  readonly values: Readonly<Record<string, string>>;
  /** Where each key's value is (for event-conflict reports). */
  readonly positions: ReadonlyMap<string, Position>;
}

const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY)$/i;

/** Reports `${{ ... }}` syntax errors in a value that the engine will template. */
export function checkTemplates(ctx: ParseContext, value: string, at: Slot): void {
  for (const message of scanTemplates(value).errors) {
    ctx.error(DiagnosticCode.invalidValue, message, at);
  }
}

function checkKey(ctx: ParseContext, kind: StringMapKind, field: Field): boolean {
  if (kind === 'environments' && !isValidEnvName(field.name)) {
    // `CO-DATA` for `CO_DATA` is a common slip: suggest the name with "_" for "-" and spaces.
    const fixed = field.name.trim().replace(/[-\s]/g, '_');
    const hint = fixed !== field.name && isValidEnvName(fixed) ? `; did you mean "${fixed}"?` : '';
    ctx.error(
      DiagnosticCode.invalidEnvName,
      `"${field.name}" is not a valid environment variable name: use letters, digits and "_", not starting with a digit${hint}`,
      field.keyPos,
      field.path,
    );
    return false;
  }
  if (kind === 'inputs' && !isValidOutputKey(field.name)) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `"${field.name}" is not a valid input key: use letters, digits, "_", "." and "-", starting with a letter or "_"`,
      field.keyPos,
      field.path,
    );
    return false;
  }
  if (field.name === '') {
    ctx.error(DiagnosticCode.invalidValue, `empty key in ${kind}`, field.keyPos, field.path);
    return false;
  }
  return true;
}

function valueOf(ctx: ParseContext, kind: StringMapKind, field: Field): string | undefined {
  if (field.node === null) return '';
  const text = isScalar(field.node) ? scalarText(field.node) : undefined;
  if (text === undefined) {
    ctx.error(
      DiagnosticCode.wrongType,
      `a value in ${kind} must be a string, number or boolean, got ${describeNode(field.node)}`,
      field,
    );
    return undefined;
  }
  if (kind !== 'labels') checkTemplates(ctx, text, field);
  if (
    kind === 'environments' &&
    SECRET_NAME.test(field.name) &&
    text !== '' &&
    !text.includes('${{')
  ) {
    ctx.warning(
      DiagnosticCode.secretInFile,
      `"${field.name}" looks like a secret written into the file; store it as a secret and write \${{ secrets.${field.name} }}`,
      field,
    );
  }
  return text;
}

/**
 * Reads a key/value section. Absent or null gives an empty map. A key repeated across list
 * entries is a `duplicate-name` error (within one map, YAML itself reports it).
 */
export function readStringMap(
  ctx: ParseContext,
  slot: Slot | undefined,
  kind: StringMapKind,
): StringMap {
  const values = new Map<string, string>();
  const positions = new Map<string, Position>();
  if (slot === undefined || slot.node === null) return { values: {}, positions };
  const take = (map: YAMLMap, mapPath: string): void => {
    for (const field of readFields(ctx, map, mapPath, null, kind, false).values()) {
      const keyed = { ...field, path: `${slot.path}.${field.name}` };
      ctx.record(keyed.path, keyed.pos);
      if (values.has(field.name)) {
        ctx.error(
          DiagnosticCode.duplicateName,
          `"${field.name}" is set twice in ${kind}`,
          field.keyPos,
          keyed.path,
        );
        continue;
      }
      if (!checkKey(ctx, kind, keyed)) continue;
      const value = valueOf(ctx, kind, keyed);
      if (value === undefined) continue;
      values.set(field.name, value);
      positions.set(field.name, field.keyPos);
    }
  };
  if (isMap(slot.node)) {
    take(slot.node, slot.path);
  } else if (isSeq(slot.node) && kind !== 'labels') {
    for (const item of seqItems(ctx, slot.node, slot)) {
      if (item.node === null) continue;
      if (isMap(item.node)) take(item.node, item.path);
      else
        ctx.error(
          DiagnosticCode.wrongType,
          `each entry of ${kind} must be a "NAME: value" map, got ${describeNode(item.node)}`,
          item,
        );
    }
  } else {
    const forms = kind === 'labels' ? 'a map' : 'a map or a list of "NAME: value" entries';
    ctx.error(
      DiagnosticCode.wrongType,
      `${kind} must be ${forms}, got ${describeNode(slot.node)}`,
      slot,
    );
  }
  return { values: Object.fromEntries(values), positions };
}
