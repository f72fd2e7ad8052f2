/**
 * One event, every workflow that subscribes to it: the loop a webhook trigger runs after it has
 * checked a delivery. Each subscription's block is read (a block it cannot read is reported and
 * skipped, never fatal to the others), matched, and fired with the event's `once` key; workflows
 * that refuse the run (`UserError`: unknown inputs, a disabled workflow) are reported in the
 * answer without stopping the rest.
 *
 * Answers: 202 `{ runs, refused? }` when a run started or was a duplicate; 400 with the first
 * refusal's code when every matching workflow refused; 202 `{ ignored }` when none matched.
 */
import { UserError } from '@containerops/core';
import type {
  TriggerContext,
  TriggerFireOptions,
  TriggerHttpResponse,
  TriggerInfo,
  TriggerSubscription,
} from '../kinds/trigger.js';
import { jsonResponse } from './responses.js';

export interface MatchingFire<Block> {
  /** The subscription's block as the plugin reads it, or what is wrong with it. */
  readonly blockOf: (subscription: TriggerSubscription) => Block | string;
  /** True when the block wants this event. */
  readonly wants: (block: Block) => boolean;
  /** Told about each block it cannot read (the plugin logs it). */
  readonly onBadBlock: (workflow: string, problem: string) => void;
  /** Checked before each fire: `stop()` may have begun while an earlier fire was awaited. */
  readonly isStopped: () => boolean;
  readonly trigger: TriggerInfo;
  readonly options: TriggerFireOptions;
  /** The `ignored` reason answered when no workflow matched. */
  readonly nothingMatched: string;
}

/** Fires every subscribed workflow whose block wants the event; the answer to the sender. */
export async function fireMatching<Block>(
  ctx: TriggerContext,
  spec: MatchingFire<Block>,
): Promise<TriggerHttpResponse> {
  const runs: { workflow: string; runId?: string; duplicate?: true }[] = [];
  const refused: { workflow: string; code: string; message: string }[] = [];
  for (const subscription of ctx.subscriptions()) {
    const block = spec.blockOf(subscription);
    if (typeof block === 'string') {
      spec.onBadBlock(subscription.workflow, block);
      continue;
    }
    if (!spec.wants(block)) continue;
    if (spec.isStopped()) break;
    const workflow = subscription.workflow;
    try {
      const fired = await ctx.fire(workflow, {}, spec.trigger, spec.options);
      runs.push({
        workflow,
        ...(fired.runId === undefined ? {} : { runId: fired.runId }),
        ...(fired.duplicate === true ? { duplicate: true as const } : {}),
      });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      refused.push({ workflow, code: error.code, message: error.message });
    }
  }
  if (runs.length === 0 && refused.length === 0)
    return jsonResponse(202, { ignored: spec.nothingMatched });
  if (runs.length === 0)
    return jsonResponse(400, { code: refused[0]?.code, message: refused[0]?.message, refused });
  return jsonResponse(202, { runs, ...(refused.length === 0 ? {} : { refused }) });
}
