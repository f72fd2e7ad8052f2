/**
 * One action of a stage and its jobs. Empty entries (a bare `-`, common in original files) are
 * skipped silently and do not count in generated names or paths: `jobs[N]` in the source map is
 * the N-th job of the MODEL, not of the YAML list.
 */
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import { describeNode, readBool, readFields, readSeq, readString, seqItems } from './fields.js';
import type { Field } from './fields.js';
import { readJob, readName } from './job-parser.js';
import type { ActionDefinition, JobDefinition } from './model.js';
import { uniqueNames } from './names.js';
import { indexPath } from './parse-context.js';
import type { ParseContext, Slot } from './parse-context.js';
import { readStringMap } from './string-maps.js';
import type { PendingLink } from './subscriptions-read.js';
import { readTimeout } from './unit-fields.js';

const ACTION_FIELDS = ['name', 'title', 'timeout', 'active', 'labels', 'jobs'] as const;

/** A subscription and the (model) indices of the job that declares it. */
export interface LinkSite {
  readonly link: PendingLink;
  readonly stage: number;
  readonly action: number;
  readonly job: number;
}

export interface ActionDraft extends NamedEntry {
  /** Links with `stage` and `action` still 0: the stage parser fills them in. */
  readonly links: readonly LinkSite[];
  readonly action: Omit<ActionDefinition, 'name' | 'generatedName'>;
}

/** A named entry as written, for duplicate checks. */
export interface NamedEntry {
  readonly explicitName?: string;
  readonly namePos?: Position;
  readonly namePath?: string;
}

/** Reports every explicit name seen before in the same list, at the later occurrence. */
export function reportDuplicates(
  ctx: ParseContext,
  entries: readonly NamedEntry[],
  what: string,
  scope: string,
): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.explicitName === undefined) continue;
    if (seen.has(entry.explicitName) && entry.namePos !== undefined) {
      ctx.error(
        DiagnosticCode.duplicateName,
        `${what} name "${entry.explicitName}" is used twice in ${scope}`,
        entry.namePos,
        entry.namePath,
      );
    }
    seen.add(entry.explicitName);
  }
}

/**
 * The non-empty map entries of a list, re-indexed as the model will hold them. Non-map entries
 * are `wrong-type` errors and are skipped.
 */
export function mapEntries(
  ctx: ParseContext,
  field: Field | Slot | undefined,
  what: string,
): { slot: Slot; map: YAMLMap }[] {
  const seq = readSeq(ctx, field);
  if (seq === undefined || field === undefined) return [];
  const entries: { slot: Slot; map: YAMLMap }[] = [];
  for (const item of seqItems(ctx, seq, field)) {
    if (item.node === null) continue;
    if (!isMap(item.node)) {
      ctx.error(
        DiagnosticCode.wrongType,
        `each ${what} must be a map, got ${describeNode(item.node)}`,
        item,
      );
      continue;
    }
    const slot = { ...item, path: indexPath(field.path, entries.length) };
    ctx.record(slot.path, slot.pos);
    entries.push({ slot, map: item.node });
  }
  return entries;
}

export function readAction(ctx: ParseContext, slot: Slot, map: YAMLMap): ActionDraft {
  const fields = readFields(ctx, map, slot.path, ACTION_FIELDS, 'an action');
  const nameField = fields.get('name');
  const explicitName = readName(ctx, nameField, 'action');
  const drafts = mapEntries(ctx, fields.get('jobs'), 'job').map((e, i) =>
    readJob(ctx, e.slot, e.map, i + 1),
  );
  reportDuplicates(
    ctx,
    drafts,
    'job',
    explicitName === undefined ? 'an action' : `action "${explicitName}"`,
  );
  const names = uniqueNames(
    drafts.map((d) => ({
      ...(d.explicitName === undefined ? {} : { explicit: d.explicitName }),
      base: d.baseName,
    })),
  );
  const jobs: JobDefinition[] = drafts.map((d, i) => ({
    name: names[i] ?? d.baseName,
    generatedName: d.explicitName === undefined,
    ...d.job,
  }));
  const jobsNode = fields.get('jobs')?.node ?? null;
  const hasEntries = isSeq(jobsNode) && jobsNode.items.some((item) => ctx.resolve(item) !== null);
  if (jobs.length === 0 && !hasEntries && (jobsNode === null || isSeq(jobsNode))) {
    ctx.warning(
      DiagnosticCode.emptyAction,
      'this action has no jobs and does nothing',
      nameField ?? slot,
      slot.path,
    );
  }
  const title = readString(ctx, fields.get('title'));
  const timeoutMs = readTimeout(ctx, fields.get('timeout'));
  return {
    ...(explicitName === undefined ? {} : { explicitName }),
    ...(nameField === undefined ? {} : { namePos: nameField.pos, namePath: nameField.path }),
    links: drafts.flatMap((d, job) => d.links.map((link) => ({ link, stage: 0, action: 0, job }))),
    action: {
      ...(title === undefined ? {} : { title }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      active: readBool(ctx, fields.get('active')) ?? true,
      labels: readStringMap(ctx, fields.get('labels'), 'labels').values,
      jobs,
    },
  };
}
