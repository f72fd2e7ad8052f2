/** One stage: its type, sequencing and actions (only `normal` stages run actions). */
import { isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { mapEntries, readAction, reportDuplicates } from './action-parser.js';
import type { LinkSite, NamedEntry } from './action-parser.js';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
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

/** An action of an original-format file that repeats an earlier action's name. */
export interface RenamedAction {
  /** Model index of the action in its stage. */
  readonly index: number;
  /** The name in the file. */
  readonly written: string;
  /** The stable name it runs under (`build-2`). */
  readonly generated: string;
  readonly pos?: Position;
  readonly path?: string;
}

export interface StageDraft extends NamedEntry {
  readonly stage?: StageDefinition;
  /** Links with `action`/`job` filled and `stage` still 0. */
  readonly links: readonly LinkSite[];
  /** Actions renamed because their name repeats an earlier one (original-format files only). */
  readonly renamed: readonly RenamedAction[];
}

/** Indices of the actions whose explicit name an earlier action of the list already has. */
function repeatedNames(drafts: readonly NamedEntry[]): Set<number> {
  const seen = new Set<string>();
  const repeated = new Set<number>();
  drafts.forEach((d, i) => {
    if (d.explicitName === undefined) return;
    if (seen.has(d.explicitName)) repeated.add(i);
    seen.add(d.explicitName);
  });
  return repeated;
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
  // Original files may repeat an action name (the original engine ran actions by position): the
  // later ones are renamed, and the workflow parser decides whether that is safe (no data link).
  const repeated = ctx.originalFormat ? repeatedNames(drafts) : new Set<number>();
  if (!ctx.originalFormat) {
    reportDuplicates(ctx, drafts, 'action', name === undefined ? 'a stage' : `stage "${name}"`);
  }
  const names = uniqueNames(
    drafts.map((d, i) => ({
      ...(d.explicitName === undefined || repeated.has(i) ? {} : { explicit: d.explicitName }),
      base: repeated.has(i) ? (d.explicitName ?? `action-${i + 1}`) : `action-${i + 1}`,
    })),
  );
  const renamed: RenamedAction[] = [...repeated].map((i) => ({
    index: i,
    written: drafts[i]?.explicitName ?? '',
    generated: names[i] ?? '',
    ...(drafts[i]?.namePos === undefined ? {} : { pos: drafts[i]?.namePos }),
    ...(drafts[i]?.namePath === undefined ? {} : { path: drafts[i]?.namePath }),
  }));
  // An unknown type was reported as an error; the stage is still read as a normal one, so that
  // data links to its jobs resolve and do not add a misleading "no stage is named" error.
  const effectiveType: StageType = type ?? 'normal';
  const typeKnown = type !== undefined || typeField === undefined || typeField.node === null;
  const runsActions = effectiveType === 'normal';
  if (!runsActions && drafts.length > 0 && actionsField !== undefined) {
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
    typeKnown &&
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
        generatedName: d.explicitName === undefined || repeated.has(i),
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
    renamed,
  };
  if (name === undefined) return head;
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
