/**
 * Reads a job's `matrix:` (static fan-out) or `fan-out:` (one instance per item of an earlier
 * job's JSON array output). Only the block's own shape is checked here; the `over` link is
 * checked with the other data links once the whole workflow is read (subscriptions-check.ts).
 */
import { isScalar } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import {
  describeNode,
  readBool,
  readFields,
  readInteger,
  readMap,
  readSeq,
  readString,
  scalarText,
  seqItems,
} from './fields.js';
import type { Field } from './fields.js';
import { DEFAULT_MAX_PARALLEL, MAX_FAN_OUT_INSTANCES } from './fan-out-limits.js';
import type { FanOutControl, FanOutDefinition, MatrixAxis } from './model.js';
import { isValidName } from './names.js';
import type { ParseContext, Slot } from './parse-context.js';
import { parseSubscriptionKey } from './subscription-key.js';
import type { PendingLink } from './subscriptions-read.js';

const MATRIX_FIELDS = ['axes', 'include', 'exclude', 'max-parallel', 'fail-fast'] as const;
const LIST_FIELDS = ['over', 'as', 'max-parallel', 'fail-fast'] as const;

/** What a job's fan-out block gave: the definition, and the `over` link to cross-check. */
export interface FanOutDraft {
  readonly fanOut?: FanOutDefinition;
  readonly overLink?: PendingLink;
}

function readControl(ctx: ParseContext, fields: Map<string, Field>): FanOutControl {
  return {
    maxParallel: readInteger(ctx, fields.get('max-parallel'), 1) ?? DEFAULT_MAX_PARALLEL,
    failFast: readBool(ctx, fields.get('fail-fast')) ?? true,
  };
}

function scalarValue(ctx: ParseContext, slot: Slot, what: string): string | undefined {
  const text = slot.node !== null && isScalar(slot.node) ? scalarText(slot.node) : undefined;
  if (text === undefined)
    ctx.error(
      DiagnosticCode.wrongType,
      `${what} must be a string, a number or a boolean, got ${describeNode(slot.node)}`,
      slot,
    );
  return text;
}

function readAxes(ctx: ParseContext, slot: Field | undefined, owner: Slot): MatrixAxis[] {
  if (slot === undefined || slot.node === null) {
    ctx.error(DiagnosticCode.fanOutInvalid, 'a matrix needs "axes": a map of axis → values', owner);
    return [];
  }
  const map = readMap(ctx, slot);
  if (map === undefined) return [];
  const axes: MatrixAxis[] = [];
  for (const field of readFields(ctx, map, slot.path, null, 'matrix axes').values()) {
    if (!isValidName(field.name)) {
      ctx.error(
        DiagnosticCode.fanOutInvalid,
        `axis name "${field.name}" is invalid: use letters, digits, "_" and "-"`,
        field.keyPos,
        field.path,
      );
      continue;
    }
    const seq = readSeq(ctx, field);
    if (seq === undefined) continue;
    const values: string[] = [];
    const seen = new Set<string>();
    for (const item of seqItems(ctx, seq, field)) {
      const value = scalarValue(ctx, item, `a value of axis "${field.name}"`);
      if (value === undefined) continue;
      if (seen.has(value)) {
        ctx.error(
          DiagnosticCode.fanOutInvalid,
          `axis "${field.name}" lists "${value}" twice: instance names would clash`,
          item,
        );
        continue;
      }
      seen.add(value);
      values.push(value);
    }
    if (values.length === 0) {
      ctx.error(
        DiagnosticCode.fanOutInvalid,
        `axis "${field.name}" has no values: it would give no instance`,
        field,
      );
      continue;
    }
    axes.push({ name: field.name, values });
  }
  if (axes.length === 0 && map.items.length === 0)
    ctx.error(DiagnosticCode.fanOutInvalid, 'matrix "axes" is empty: name at least one axis', slot);
  return axes;
}

/** `include`/`exclude`: lists of maps naming known axes; `complete` asks for every axis. */
function readCombinations(
  ctx: ParseContext,
  slot: Field | undefined,
  axes: readonly MatrixAxis[],
  complete: boolean,
): Record<string, string>[] {
  const seq = readSeq(ctx, slot);
  if (seq === undefined || slot === undefined) return [];
  const known = new Map(axes.map((a) => [a.name, a]));
  const out: Record<string, string>[] = [];
  for (const item of seqItems(ctx, seq, slot)) {
    const map = readMap(ctx, item);
    if (map === undefined) continue;
    const combo: Record<string, string> = {};
    let ok = true;
    for (const field of readFields(ctx, map, item.path, null, slot.name).values()) {
      const axis = known.get(field.name);
      if (axis === undefined) {
        ctx.error(
          DiagnosticCode.fanOutInvalid,
          `${slot.name} names axis "${field.name}", which the matrix does not have (axes: ${axes.map((a) => a.name).join(', ') || 'none'})`,
          field.keyPos,
          field.path,
        );
        ok = false;
        continue;
      }
      const value = scalarValue(ctx, field, `the value of "${field.name}"`);
      if (value === undefined) ok = false;
      else combo[field.name] = value;
    }
    if (!ok) continue;
    if (complete) {
      const missing = axes.filter((a) => !(a.name in combo)).map((a) => a.name);
      if (missing.length > 0) {
        ctx.error(
          DiagnosticCode.fanOutInvalid,
          `an include entry must give every axis; missing: ${missing.join(', ')}`,
          item,
        );
        continue;
      }
    } else if (Object.keys(combo).length === 0) {
      ctx.error(DiagnosticCode.fanOutInvalid, 'an empty exclude entry would drop everything', item);
      continue;
    }
    out.push(combo);
  }
  return out;
}

function readMatrix(ctx: ParseContext, slot: Field): FanOutDefinition | undefined {
  const map = readMap(ctx, slot);
  if (map === undefined) return undefined;
  const fields = readFields(ctx, map, slot.path, MATRIX_FIELDS, 'a matrix');
  const axes = readAxes(ctx, fields.get('axes'), slot);
  const include = readCombinations(ctx, fields.get('include'), axes, true);
  const exclude = readCombinations(ctx, fields.get('exclude'), axes, false);
  const control = readControl(ctx, fields);
  if (axes.length === 0) return undefined;
  // The cap counts before `exclude`: exact without enumerating, and what the engine may walk.
  let size = 1;
  for (const axis of axes) size *= axis.values.length;
  size += include.length;
  if (size > MAX_FAN_OUT_INSTANCES) {
    ctx.error(
      DiagnosticCode.fanOutTooLarge,
      `the matrix has ${size} combinations (axes multiplied, plus includes, before excludes); at most ${MAX_FAN_OUT_INSTANCES} are allowed`,
      slot,
    );
    return undefined;
  }
  return { kind: 'matrix', axes, include, exclude, ...control };
}

function readList(ctx: ParseContext, slot: Field): FanOutDraft {
  const map = readMap(ctx, slot);
  if (map === undefined) return {};
  const fields = readFields(ctx, map, slot.path, LIST_FIELDS, 'a fan-out');
  const overField = fields.get('over');
  const asField = fields.get('as');
  const overText = readString(ctx, overField);
  const as = readString(ctx, asField);
  const control = readControl(ctx, fields);
  if (overField === undefined || asField === undefined) {
    ctx.error(
      DiagnosticCode.fanOutInvalid,
      'a fan-out needs "over" (stage.action.job[OUTPUT], a JSON array) and "as" (the input key of each item)',
      slot,
    );
    return {};
  }
  const key = overText === undefined ? undefined : parseSubscriptionKey(overText);
  if (overText !== undefined && key === undefined)
    ctx.error(
      DiagnosticCode.fanOutInvalid,
      `"${overText}" is not an output address: write stage.action.job[OUTPUT]`,
      overField,
    );
  if (as !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(as))
    ctx.error(
      DiagnosticCode.fanOutInvalid,
      `"${as}" is not a valid input key: use [A-Za-z_][A-Za-z0-9_.-]*`,
      asField,
    );
  else if (as !== undefined && key !== undefined) {
    return {
      fanOut: { kind: 'list', over: key, as, ...control },
      overLink: {
        key,
        env: '',
        keyPos: overField.pos,
        envPos: overField.pos,
        path: overField.path,
        fanOver: true,
      },
    };
  }
  return {};
}

/** Reads `matrix` or `fan-out` (at most one of them) of a job map's fields. */
export function readFanOut(
  ctx: ParseContext,
  matrix: Field | undefined,
  list: Field | undefined,
): FanOutDraft {
  const given = (f: Field | undefined): f is Field => f !== undefined && f.node !== null;
  if (given(matrix) && given(list)) {
    ctx.error(
      DiagnosticCode.fanOutInvalid,
      'a job fans out either over a "matrix" or with "fan-out", not both',
      list.keyPos,
      list.path,
    );
    return {};
  }
  if (given(matrix)) {
    const fanOut = readMatrix(ctx, matrix);
    return fanOut === undefined ? {} : { fanOut };
  }
  if (given(list)) return readList(ctx, list);
  return {};
}
