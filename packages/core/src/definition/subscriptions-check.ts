/**
 * Cross-checks data links once every stage is read: the source job must exist, run EARLIER than
 * the subscriber, and declare the output (when it declares any).
 */
import type { LinkSite } from './action-parser.js';
import { DiagnosticCode } from './diagnostics.js';
import { runsBefore } from './job-order.js';
import type { JobLocation } from './job-order.js';
import type { JobDefinition, StageDefinition } from './model.js';
import type { ParseContext } from './parse-context.js';
import { FAN_OUT_SUMMARY_OUTPUTS } from './fan-out-limits.js';
import { formatSubscriptionKey } from './subscription-key.js';

const SUMMARY_OUTPUTS: ReadonlySet<string> = new Set(FAN_OUT_SUMMARY_OUTPUTS);

/** First index of each name, so that each link is resolved in constant time (first name wins). */
function firstIndexByName(
  items: readonly ({ readonly name: string } | undefined)[],
): Map<string, number> {
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    if (item !== undefined && !index.has(item.name)) index.set(item.name, i);
  });
  return index;
}

/** Resolves `stage.action.job` addresses with name indexes built lazily, once per list. */
class JobIndex {
  readonly #stages: readonly (StageDefinition | undefined)[];
  readonly #stageIndex: Map<string, number>;
  readonly #lists = new WeakMap<object, Map<string, number>>();

  constructor(stages: readonly (StageDefinition | undefined)[]) {
    this.#stages = stages;
    this.#stageIndex = firstIndexByName(stages);
  }

  #indexOf(owner: object, items: readonly { readonly name: string }[], name: string): number {
    let index = this.#lists.get(owner);
    if (index === undefined) {
      index = firstIndexByName(items);
      this.#lists.set(owner, index);
    }
    return index.get(name) ?? -1;
  }

  find(site: LinkSite): { at: JobLocation; job: JobDefinition } | string {
    const { key } = site.link;
    const stage = this.#stageIndex.get(key.stage) ?? -1;
    const stageDef = this.#stages[stage];
    if (stageDef === undefined) return `no stage is named "${key.stage}"`;
    const action = this.#indexOf(stageDef, stageDef.actions, key.action);
    const actionDef = stageDef.actions[action];
    if (actionDef === undefined) return `stage "${key.stage}" has no action named "${key.action}"`;
    const job = this.#indexOf(actionDef, actionDef.jobs, key.job);
    const jobDef = actionDef.jobs[job];
    if (jobDef === undefined)
      return `action "${key.stage}.${key.action}" has no job named "${key.job}"`;
    return { at: { stage, action, job }, job: jobDef };
  }
}

function notEarlierReason(
  stages: readonly (StageDefinition | undefined)[],
  source: JobLocation,
  target: JobLocation,
): string {
  if (
    source.stage === target.stage &&
    source.action === target.action &&
    source.job === target.job
  ) {
    return 'a job cannot subscribe to its own output';
  }
  if (
    source.stage === target.stage &&
    source.action !== target.action &&
    stages[source.stage]?.sequencing === 'parallel'
  ) {
    return `it runs in parallel with this job (stage "${stages[source.stage]?.name ?? ''}" is parallel)`;
  }
  return 'it runs after this job';
}

/**
 * Reports `subscription-unknown-job`, `subscription-not-earlier` and
 * `subscription-undeclared-output` at the subscription's key.
 * @param stages the model stages by source order; `undefined` where a stage could not be read.
 */
export function checkSubscriptions(
  ctx: ParseContext,
  stages: readonly (StageDefinition | undefined)[],
  sites: readonly LinkSite[],
): void {
  const index = new JobIndex(stages);
  const declared = new WeakMap<JobDefinition, ReadonlySet<string>>();
  for (const site of sites) {
    const { link } = site;
    const label = formatSubscriptionKey(link.key);
    const what = link.fanOver === true ? 'fan-out over' : 'subscription';
    const found = index.find(site);
    if (typeof found === 'string') {
      ctx.error(
        DiagnosticCode.subscriptionUnknownJob,
        `${what} ${label}: ${found}`,
        link.keyPos,
        link.path,
      );
      continue;
    }
    if (!runsBefore(stages, found.at, site)) {
      ctx.error(
        DiagnosticCode.subscriptionNotEarlier,
        `${what} ${label}: ${notEarlierReason(stages, found.at, site)}; a job can only use outputs of jobs that finished before it starts`,
        link.keyPos,
        link.path,
      );
      continue;
    }
    const { outputs } = found.job;
    if (link.fanOver === true) {
      // Its value must be a JSON array: a declared output of a single job, never a fan-in.
      const problem =
        found.job.fanOut !== undefined
          ? `job "${link.key.job}" fans out itself: its outputs are JSON objects keyed by instance, not lists`
          : !outputs.includes(link.key.output)
            ? `job "${link.key.job}" does not declare output ${link.key.output} (declare it in its "outputs")`
            : undefined;
      if (problem !== undefined)
        ctx.error(
          DiagnosticCode.fanOutLink,
          `fan-out over ${label}: ${problem}`,
          link.keyPos,
          link.path,
        );
      continue;
    }
    if (found.job.fanOut !== undefined && SUMMARY_OUTPUTS.has(link.key.output)) continue;
    let outputSet = declared.get(found.job);
    if (outputSet === undefined) {
      outputSet = new Set(outputs);
      declared.set(found.job, outputSet);
    }
    if (outputs.length > 0 && !outputSet.has(link.key.output)) {
      ctx.error(
        DiagnosticCode.subscriptionUndeclaredOutput,
        `subscription ${label}: job "${link.key.job}" declares outputs ${outputs.join(', ')}, not ${link.key.output}`,
        link.keyPos,
        link.path,
      );
    }
  }
}
