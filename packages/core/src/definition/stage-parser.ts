/** One stage: its type, sequencing and actions (only `normal` stages run actions). */
import { isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { mapEntries, readAction, reportDuplicates } from './action-parser.js';
import type { LinkSite, NamedEntry } from './action-parser.js';
import { DiagnosticCode } from './diagnostics.js';
import { readBool, readFields, readString } from './fields.js';
import { readName } from './job-parser.js';
import type { ActionDefinition, Sequencing, StageDefinition, StageType } from './model.js';
import { uniqueNames } from './names.js';
import type { ParseContext, Slot } from './parse-context.js';
import { readStringMap } from './string-maps.js';
import { suggest } from './suggest.js';
import { readTimeout } from './unit-fields.js';

const STAGE_FIELDS = [
  'type',
  'name',
  'title',
  'sequencing',
  'timeout',
  'active',
  'labels',
  'actions',
] as const;
const STAGE_TYPES: readonly StageType[] = ['start', 'normal', 'pause', 'end'];
const SEQUENCINGS: readonly Sequencing[] = ['sequence', 'parallel'];

export interface StageDraft extends NamedEntry {
  readonly stage?: StageDefinition;
  /** Links with `action`/`job` filled and `stage` still 0. */
  readonly links: readonly LinkSite[];
}

function oneOf<T extends string>(
  ctx: ParseContext,
  slot: Slot | undefined,
  allowed: readonly T[],
  code: DiagnosticCode,
  what: string,
): T | undefined {
  const text = readString(ctx, slot);
  if (text === undefined || slot === undefined) return undefined;
  if ((allowed as readonly string[]).includes(text)) return text as T;
  const hint = suggest(text, allowed);
  ctx.error(
    code,
    `unknown ${what} "${text}": use ${allowed.join(', ')}${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`,
    slot,
  );
  return undefined;
}

/**
 * Reads a stage map. `type` defaults to `normal` when absent (original files always give it);
 * `name` is required. Actions of `start`/`end`/`pause` stages are validated but dropped with a
 * warning, since those stages run nothing.
 */
export function readStage(ctx: ParseContext, slot: Slot, map: YAMLMap): StageDraft {
  const fields = readFields(ctx, map, slot.path, STAGE_FIELDS, 'a stage');
  const typeField = fields.get('type');
  const type = oneOf(ctx, typeField, STAGE_TYPES, DiagnosticCode.unknownStageType, 'stage type');
  const nameField = fields.get('name');
  const name = readName(ctx, nameField, 'stage');
  if (nameField === undefined || nameField.node === null) {
    ctx.error(
      DiagnosticCode.missingField,
      'a stage needs a "name"',
      nameField?.keyPos ?? slot.pos,
      slot.path,
    );
  }
  const sequencing =
    oneOf(
      ctx,
      fields.get('sequencing'),
      SEQUENCINGS,
      DiagnosticCode.unknownSequencing,
      'sequencing',
    ) ?? 'sequence';

  const actionsField = fields.get('actions');
  const drafts = mapEntries(ctx, actionsField, 'action').map((e) => readAction(ctx, e.slot, e.map));
  reportDuplicates(ctx, drafts, 'action', name === undefined ? 'a stage' : `stage "${name}"`);
  const names = uniqueNames(
    drafts.map((d, i) => ({
      ...(d.explicitName === undefined ? {} : { explicit: d.explicitName }),
      base: `action-${i + 1}`,
    })),
  );
  const effectiveType = type ?? (typeField === undefined ? 'normal' : undefined);
  const runsActions = effectiveType === 'normal';
  if (
    !runsActions &&
    effectiveType !== undefined &&
    drafts.length > 0 &&
    actionsField !== undefined
  ) {
    ctx.warning(
      DiagnosticCode.invalidValue,
      `a ${effectiveType} stage runs no actions; these are ignored`,
      actionsField.keyPos,
      actionsField.path,
    );
  }
  const actionsNode = actionsField?.node ?? null;
  if (
    effectiveType === 'normal' &&
    drafts.length === 0 &&
    (actionsNode === null || isSeq(actionsNode))
  ) {
    ctx.warning(
      DiagnosticCode.emptyStage,
      `stage ${name === undefined ? '' : `"${name}" `}has no actions`,
      nameField ?? slot,
      slot.path,
    );
  }
  const actions: ActionDefinition[] = runsActions
    ? drafts.map((d, i) => ({
        name: names[i] ?? `action-${i + 1}`,
        generatedName: d.explicitName === undefined,
        ...d.action,
      }))
    : [];
  const links = runsActions
    ? drafts.flatMap((d, action) => d.links.map((site) => ({ ...site, action })))
    : [];

  const title = readString(ctx, fields.get('title'));
  const timeoutMs = readTimeout(ctx, fields.get('timeout'));
  const active = readBool(ctx, fields.get('active')) ?? true;
  const labels = readStringMap(ctx, fields.get('labels'), 'labels').values;
  const head = {
    ...(name === undefined ? {} : { explicitName: name }),
    ...(nameField === undefined ? {} : { namePos: nameField.pos, namePath: nameField.path }),
    links,
  };
  if (effectiveType === undefined || name === undefined) return head;
  return {
    ...head,
    stage: {
      type: effectiveType,
      name,
      ...(title === undefined ? {} : { title }),
      sequencing,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      active,
      labels,
      actions,
    },
  };
}
