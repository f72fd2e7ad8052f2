/**
 * `inputs` and `outputs` of a component.yaml: lists whose items are maps (`- key: repo`, with
 * `description`, `required`, `default`, `secret` for inputs) or, for short, a bare key string.
 */
import { isMap, isScalar } from 'yaml';
import { inputEnvName } from '../contract/input-env-name.js';
import { DiagnosticCode } from '../definition/diagnostics.js';
import {
  describeNode,
  readBool,
  readFields,
  readSeq,
  readString,
  seqItems,
} from '../definition/fields.js';
import type { Field } from '../definition/fields.js';
import { isValidOutputKey } from '../definition/names.js';
import type { ParseContext, Slot } from '../definition/parse-context.js';
import type { ComponentInput, ComponentOutput } from './component-model.js';

const INPUT_FIELDS = ['key', 'description', 'required', 'default', 'secret'] as const;
const OUTPUT_FIELDS = ['key', 'description'] as const;

/**
 * Variables the engine sets itself after the inputs (docs/design.md §3): an input arriving under one of
 * these names would be overwritten or would break the contract, so such keys are refused.
 */
const RESERVED_ENV = new Set([
  'CO_DATA',
  'CO_DATA_JSON',
  'CO_RUN_ID',
  'CO_WORKFLOW',
  'CO_STAGE',
  'CO_ACTION',
  'CO_JOB',
  'CO_ATTEMPT',
  'CO_WORKSPACE',
  'CO_OUTPUT',
  'CO_RESULT',
]);

interface Entry {
  readonly slot: Slot;
  readonly key: string;
  readonly keySlot: Slot;
  /** The entry's fields; undefined for the bare-string form. */
  readonly fields?: Map<string, Field>;
}

/** The items of `inputs`/`outputs` with a valid key; duplicates reported, first one kept. */
function readEntries(
  ctx: ParseContext,
  field: Field | undefined,
  known: readonly string[],
  what: 'input' | 'output',
): Entry[] {
  const seq = readSeq(ctx, field);
  if (seq === undefined || field === undefined) return [];
  const entries: Entry[] = [];
  const seen = new Set<string>();
  for (const slot of seqItems(ctx, seq, field)) {
    const entry = readEntry(ctx, slot, known, what);
    if (entry === undefined) continue;
    if (seen.has(entry.key)) {
      ctx.error(
        DiagnosticCode.duplicateName,
        `${what} "${entry.key}" is declared more than once`,
        entry.keySlot,
      );
      continue;
    }
    seen.add(entry.key);
    entries.push(entry);
  }
  return entries;
}

function readEntry(
  ctx: ParseContext,
  slot: Slot,
  known: readonly string[],
  what: 'input' | 'output',
): Entry | undefined {
  ctx.record(slot.path, slot.pos);
  let fields: Map<string, Field> | undefined;
  let keySlot: Slot = slot;
  if (slot.node !== null && isMap(slot.node)) {
    fields = readFields(ctx, slot.node, slot.path, known, `an ${what}`);
    const keyField = fields.get('key');
    if (keyField === undefined || keyField.node === null) {
      ctx.error(DiagnosticCode.missingField, `an ${what} needs a "key"`, keyField ?? slot);
      return undefined;
    }
    keySlot = keyField;
  } else if (slot.node === null || !isScalar(slot.node)) {
    ctx.error(
      DiagnosticCode.wrongType,
      `an ${what} is a map with a "key" (or just the key), got ${describeNode(slot.node)}`,
      slot,
    );
    return undefined;
  }
  const key = readString(ctx, keySlot);
  if (key === undefined) return undefined;
  if (!isValidOutputKey(key)) {
    ctx.error(
      DiagnosticCode.invalidValue,
      `"${key}" is not a valid ${what} key: use letters, digits, "_", "." and "-", starting with a letter or "_"`,
      keySlot,
    );
    return undefined;
  }
  return { slot, key, keySlot, ...(fields === undefined ? {} : { fields }) };
}

/** `inputs:` — keys unique, and unique again once turned into `CO_<KEY>` names. */
export function readInputs(ctx: ParseContext, field: Field | undefined): ComponentInput[] {
  const envNames = new Map<string, string>();
  const inputs: ComponentInput[] = [];
  for (const entry of readEntries(ctx, field, INPUT_FIELDS, 'input')) {
    const env = inputEnvName(entry.key);
    if (RESERVED_ENV.has(env)) {
      ctx.error(
        DiagnosticCode.invalidValue,
        `input "${entry.key}" would arrive as ${env}, which the engine sets itself: rename it`,
        entry.keySlot,
      );
      continue;
    }
    const clash = envNames.get(env);
    if (clash !== undefined) {
      ctx.error(
        DiagnosticCode.duplicateName,
        `inputs "${clash}" and "${entry.key}" both arrive as ${env}: rename one`,
        entry.keySlot,
      );
      continue;
    }
    envNames.set(env, entry.key);
    inputs.push(readInput(ctx, entry));
  }
  return inputs;
}

function readInput(ctx: ParseContext, entry: Entry): ComponentInput {
  const f = entry.fields;
  const description = readString(ctx, f?.get('description'));
  const required = readBool(ctx, f?.get('required')) ?? false;
  const secret = readBool(ctx, f?.get('secret')) ?? false;
  const defaultField = f?.get('default');
  let value = readString(ctx, defaultField);
  if (value !== undefined && defaultField !== undefined) {
    if (secret) {
      ctx.error(
        DiagnosticCode.secretInFile,
        `secret input "${entry.key}" cannot have a default: secrets never live in files; give it as \${{ secrets.NAME }} in the job`,
        defaultField,
      );
      value = undefined;
    } else if (required) {
      ctx.warning(
        DiagnosticCode.invalidValue,
        `input "${entry.key}" is required, so its default is never used: drop one of them`,
        defaultField,
      );
    }
  }
  return {
    key: entry.key,
    ...(description === undefined ? {} : { description }),
    required,
    ...(value === undefined ? {} : { default: value }),
    secret,
  };
}

/** `outputs:` — keys unique. */
export function readOutputs(ctx: ParseContext, field: Field | undefined): ComponentOutput[] {
  return readEntries(ctx, field, OUTPUT_FIELDS, 'output').map((entry) => {
    if (entry.key === 'CO_RESULT') {
      ctx.warning(
        DiagnosticCode.invalidValue,
        'CO_RESULT is the result flag, not an output: every component may print it',
        entry.keySlot,
      );
    }
    const description = readString(ctx, entry.fields?.get('description'));
    return { key: entry.key, ...(description === undefined ? {} : { description }) };
  });
}
