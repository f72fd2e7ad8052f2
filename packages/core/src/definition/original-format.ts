/**
 * Whether a workflow file is in the original ContainerOps (2017) format: it uses no field this
 * engine added. Some rules differ for such files only: duplicate action names are renamed with a
 * warning instead of refused (the original engine ran actions by position), and a variable set
 * in both the workflow's and a job's `environments` gets a warning (the original let the
 * workflow's value win, this engine lets the job's win).
 */
import { isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { ParseContext } from './parse-context.js';

/** Top-level fields the original format does not have. */
const NEW_WORKFLOW_FIELDS = new Set([
  'triggers',
  'concurrency',
  'outputs',
  'outputLimit',
  'inputs',
]);
/** Job fields the original format does not have. */
const NEW_JOB_FIELDS = new Set([
  'component',
  'command',
  'retries',
  'pre',
  'post',
  'service',
  'inputs',
  'matrix',
  'fan-out',
]);

function keysOf(ctx: ParseContext, map: YAMLMap): Map<string, unknown> {
  const keys = new Map<string, unknown>();
  for (const pair of map.items) {
    const key = ctx.resolve(pair.key);
    if (key !== null && !isMap(key) && !isSeq(key) && typeof key.value === 'string') {
      keys.set(key.value, pair.value);
    }
  }
  return keys;
}

/** The maps of a list field (`stages`, `actions`, `jobs`); anything else is skipped. */
function mapsOf(ctx: ParseContext, node: unknown): YAMLMap[] {
  const seq = ctx.resolve(node);
  if (seq === null || !isSeq(seq)) return [];
  return seq.items.map((item) => ctx.resolve(item)).filter((item): item is YAMLMap => isMap(item));
}

/** True when no field of `root` (workflow, stages, actions, jobs) is one this engine added. */
export function isOriginalFormat(ctx: ParseContext, root: YAMLMap): boolean {
  const workflow = keysOf(ctx, root);
  if ([...workflow.keys()].some((key) => NEW_WORKFLOW_FIELDS.has(key))) return false;
  for (const stage of mapsOf(ctx, workflow.get('stages'))) {
    for (const action of mapsOf(ctx, keysOf(ctx, stage).get('actions'))) {
      for (const job of mapsOf(ctx, keysOf(ctx, action).get('jobs'))) {
        const fields = keysOf(ctx, job);
        if ([...fields.keys()].some((key) => NEW_JOB_FIELDS.has(key))) return false;
        const type = ctx.resolve(fields.get('type'));
        if (type !== null && !isMap(type) && !isSeq(type) && type.value === 'service') return false;
      }
    }
  }
  return true;
}
