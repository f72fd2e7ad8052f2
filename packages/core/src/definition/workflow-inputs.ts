/**
 * The workflow's `inputs:` — the run inputs it takes (see contract/run-inputs.ts for why a run
 * takes only declared inputs). Each entry is a name, or a map with `name` and optional `default`,
 * `required` and `description`:
 *
 * ```yaml
 * inputs:
 *   - GREETING
 *   - { name: BRANCH, default: main }
 *   - { name: TARGET, required: true, description: where to deploy }
 * ```
 *
 * A name must be a variable name and not reserved ({@link runInputNameProblem}); a name declared
 * twice is an error.
 */
import { isMap, isScalar } from 'yaml';
import type { RunInputDeclaration } from '../contract/run-inputs.js';
import { runInputNameProblem } from '../contract/run-inputs.js';
import { DiagnosticCode } from './diagnostics.js';
import { describeNode, readBool, readFields, readSeq, readString, seqItems } from './fields.js';
import type { Field } from './fields.js';
import type { ParseContext, Slot } from './parse-context.js';

const INPUT_FIELDS = ['name', 'default', 'required', 'description'] as const;

export function readWorkflowInputs(
  ctx: ParseContext,
  field: Field | undefined,
): RunInputDeclaration[] {
  const seq = readSeq(ctx, field);
  if (seq === undefined || field === undefined) return [];
  const inputs: RunInputDeclaration[] = [];
  const seen = new Set<string>();
  for (const item of seqItems(ctx, seq, field)) {
    ctx.record(item.path, item.pos);
    const input = readInput(ctx, item);
    if (input === undefined) continue;
    if (seen.has(input.name)) {
      ctx.error(DiagnosticCode.duplicateName, `input "${input.name}" is declared twice`, item);
      continue;
    }
    seen.add(input.name);
    inputs.push(input);
  }
  return inputs;
}

function readInput(ctx: ParseContext, item: Slot): RunInputDeclaration | undefined {
  if (item.node !== null && isScalar(item.node)) {
    const name = checkedName(ctx, item, readString(ctx, item));
    return name === undefined ? undefined : { name, required: false };
  }
  if (item.node === null || !isMap(item.node)) {
    ctx.error(
      DiagnosticCode.wrongType,
      `each input must be a name or a map with "name", got ${describeNode(item.node)}`,
      item,
    );
    return undefined;
  }
  const fields = readFields(ctx, item.node, item.path, INPUT_FIELDS, 'an input');
  const nameField = fields.get('name');
  if (nameField === undefined || nameField.node === null) {
    ctx.error(DiagnosticCode.missingField, 'an input needs a "name"', item);
    return undefined;
  }
  const name = checkedName(ctx, nameField, readString(ctx, nameField));
  if (name === undefined) return undefined;
  const defaultValue = readString(ctx, fields.get('default'));
  const description = readString(ctx, fields.get('description'));
  return {
    name,
    required: readBool(ctx, fields.get('required')) ?? false,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    ...(description === undefined ? {} : { description }),
  };
}

function checkedName(ctx: ParseContext, at: Slot, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const problem = runInputNameProblem(name);
  if (problem === undefined) return name;
  ctx.error(DiagnosticCode.invalidEnvName, `input name "${name}" ${problem}`, at);
  return undefined;
}
