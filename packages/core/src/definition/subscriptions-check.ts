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
import { formatSubscriptionKey } from './subscription-key.js';

function find(
  stages: readonly (StageDefinition | undefined)[],
  site: LinkSite,
): { at: JobLocation; job: JobDefinition } | string {
  const { key } = site.link;
  const stage = stages.findIndex((s) => s?.name === key.stage);
  const stageDef = stages[stage];
  if (stageDef === undefined) return `no stage is named "${key.stage}"`;
  const action = stageDef.actions.findIndex((a) => a.name === key.action);
  const actionDef = stageDef.actions[action];
  if (actionDef === undefined) return `stage "${key.stage}" has no action named "${key.action}"`;
  const job = actionDef.jobs.findIndex((j) => j.name === key.job);
  const jobDef = actionDef.jobs[job];
  if (jobDef === undefined)
    return `action "${key.stage}.${key.action}" has no job named "${key.job}"`;
  return { at: { stage, action, job }, job: jobDef };
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
  for (const site of sites) {
    const { link } = site;
    const label = formatSubscriptionKey(link.key);
    const found = find(stages, site);
    if (typeof found === 'string') {
      ctx.error(
        DiagnosticCode.subscriptionUnknownJob,
        `subscription ${label}: ${found}`,
        link.keyPos,
        link.path,
      );
      continue;
    }
    if (!runsBefore(stages, found.at, site)) {
      ctx.error(
        DiagnosticCode.subscriptionNotEarlier,
        `subscription ${label}: ${notEarlierReason(stages, found.at, site)}; a job can only use outputs of jobs that finished before it starts`,
        link.keyPos,
        link.path,
      );
      continue;
    }
    const { outputs } = found.job;
    if (outputs.length > 0 && !outputs.includes(link.key.output)) {
      ctx.error(
        DiagnosticCode.subscriptionUndeclaredOutput,
        `subscription ${label}: job "${link.key.job}" declares outputs ${outputs.join(', ')}, not ${link.key.output}`,
        link.keyPos,
        link.path,
      );
    }
  }
}
