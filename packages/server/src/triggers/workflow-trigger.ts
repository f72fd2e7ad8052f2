/**
 * The built-in `workflow` trigger: starts a workflow when another one's run ends with a given
 * status, passing that run's job outputs on.
 *
 * ```yaml
 * triggers:
 *   - type: workflow
 *     workflow: acme/app/build        # the upstream workflow's uri
 *     status: [succeeded]             # its end statuses that start this one; default succeeded
 * ```
 *
 * Each job of the started run gets `CO_TRIGGER_RUN_ID`, `CO_TRIGGER_WORKFLOW`,
 * `CO_TRIGGER_STATUS`, and `CO_TRIGGER_OUTPUT_<KEY>` for every output of the upstream run's jobs
 * (a key two jobs both set takes the later job's value, in run order). It is a `TriggerPlugin`
 * like the others, started by the trigger host under the name `workflow`; only its events come
 * from the host (`runEnded`, called by the server for every run it executed), not from HTTP or a
 * clock, which is why it lives in the server and not in `plugins/`. `once` is the upstream run id, so a run's end
 * seen twice (a resumed run, a replica) starts one downstream run.
 */
import type { TriggerSubscription } from '@containerops/sdk';
import { TriggerLifecycle, triggerEnvName } from '@containerops/sdk';
import type { RunSnapshot } from '@containerops/core';

export const WORKFLOW_TRIGGER = 'workflow';

const END_STATUSES = ['succeeded', 'failed', 'timed_out', 'cancelled'];

export class WorkflowTrigger extends TriggerLifecycle {
  /** A run ended: fires every workflow that waits for this one with this status. */
  runEnded(run: RunSnapshot): Promise<void> {
    const ctx = this.ctx;
    if (ctx === undefined || this.stopped) return Promise.resolve();
    const fires = ctx
      .subscriptions()
      .filter((s) => wants(s, run))
      .map((s) =>
        ctx
          .fire(
            s.workflow,
            {},
            {
              type: WORKFLOW_TRIGGER,
              runId: run.runId,
              workflow: run.workflow,
              status: run.status,
            },
            { once: `run:${run.runId}`, values: valuesOf(run) },
          )
          .catch((error: unknown) =>
            ctx.logger.error(`run ${run.runId} of ${run.workflow} did not start ${s.workflow}`, {
              error: error instanceof Error ? error.message : String(error),
            }),
          ),
      );
    return this.track(Promise.all(fires).then(() => undefined));
  }
}

function wants(subscription: TriggerSubscription, run: RunSnapshot): boolean {
  const t = subscription.trigger;
  if (t['workflow'] !== run.workflow || subscription.workflow === run.workflow) return false;
  const raw = t['status'] ?? ['succeeded'];
  const statuses = (typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : []).filter(
    (s): s is string => typeof s === 'string' && END_STATUSES.includes(s),
  );
  return statuses.includes(run.status);
}

function valuesOf(run: RunSnapshot): Record<string, string> {
  const values: Record<string, string> = {
    run_id: run.runId,
    workflow: run.workflow,
    status: run.status,
  };
  for (const stage of run.stages)
    for (const action of stage.actions)
      for (const job of action.jobs)
        for (const [key, value] of Object.entries(job.outputs)) {
          const name = `output_${key}`;
          if (triggerEnvName(name) !== undefined) values[name] = value;
        }
  return values;
}
