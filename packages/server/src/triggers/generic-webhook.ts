/**
 * The built-in `generic` webhook, the reference `TriggerPlugin` (it runs the SDK's trigger
 * conformance suite): `POST /hooks/generic/<org>/<repo>/<name>` starts that workflow,
 * with the string fields of the JSON body as inputs (each must be one the workflow declares in
 * `inputs:`). Only workflows that opt in are reachable:
 *
 * ```yaml
 * triggers:
 *   - type: generic
 *     secret: DEPLOY_HOOK_SECRET   # an organisation secret
 * ```
 *
 * The caller proves it knows the secret's value by signing the timestamp and the raw body (see
 * webhook-signature.ts for the headers), or by sending the value in `X-ContainerOps-Token`.
 * Unsigned, wrongly signed or stale requests are refused (401) before anything runs; a copy of
 * a delivery already seen within the replay window is answered 200 `{duplicate: true}` with the
 * first copy's run and starts nothing (replay-guard.ts). Unknown workflows and those without a
 * generic trigger answer the same 404, so the endpoint does not tell which workflows exist. A
 * misconfigured trigger (no secret named, or the secret unset) answers a generic 503: which
 * secret is missing goes to `onMisconfigured` (the server log), not to anonymous callers.
 *
 * It lives in the server, not in `plugins/`, because it needs two things the SDK's context does
 * not give a plugin: organisation secrets (each workflow names its own) and the replay guard's
 * table.
 */
import { UserError } from '@containerops/core';
import type { TriggerDefinition, WorkflowDefinition } from '@containerops/core';
import type { TriggerContext, TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import { WebhookTrigger, jsonObjectOf, jsonResponse, refusal } from '@containerops/sdk';
import { noteDeliveryDuplicate, noteDeliveryId, noteDeliveryWorkflow } from './delivery-log.js';
import type { ReplayGuard } from './replay-guard.js';
import { replayKeysOf } from './replay-guard.js';
import { authenticateWebhook, deliveryIdOf, isRefusal } from './webhook-signature.js';

export const GENERIC_TRIGGER = 'generic';

export interface GenericWebhookDeps {
  /**
   * The workflow's latest model; undefined when there is none. Read at each request rather than
   * from the subscriptions, which are reloaded in the background after a change: a workflow
   * applied a moment ago must answer at once.
   */
  readonly workflow: (uri: string) => Promise<WorkflowDefinition | undefined>;
  /** The value of an organisation secret. */
  readonly secret: (organization: string, name: string) => Promise<string | undefined>;
  /** Told why a workflow's generic trigger cannot work (for the server log). */
  readonly onMisconfigured?: (uri: string, why: string) => void;
  /** Remembers deliveries within the replay window (its `windowMs` bounds the timestamps too). */
  readonly replay: Pick<ReplayGuard, 'claim' | 'started' | 'release' | 'windowMs'>;
  /** The clock; default `Date.now`. */
  readonly now?: () => number;
}

export class GenericTrigger extends WebhookTrigger {
  constructor(private readonly deps: GenericWebhookDeps) {
    super('generic webhook');
  }

  protected async handleRequest(
    ctx: TriggerContext,
    request: TriggerHttpRequest,
  ): Promise<TriggerHttpResponse> {
    const deps = this.deps;
    const parts = request.path.split('/').filter(Boolean);
    if (parts.length !== 3)
      return refusal(404, 'NOT_FOUND', 'use /hooks/generic/<organization>/<repository>/<name>');
    const uri = parts.join('/');
    const workflow = await deps.workflow(uri);
    const block = workflow?.triggers.find((t) => t.type === GENERIC_TRIGGER);
    if (workflow === undefined || block === undefined)
      return refusal(404, 'NOT_FOUND', `no workflow ${uri} with a generic trigger`);
    // Only now: an unknown path must not file anonymous input under some organisation.
    noteDeliveryWorkflow(uri);
    const notConfigured = (why: string): TriggerHttpResponse => {
      deps.onMisconfigured?.(uri, why);
      return refusal(
        503,
        'WEBHOOK_NOT_CONFIGURED',
        'this webhook is not configured yet: its workflow administrators were told',
      );
    };
    const secretName = secretNameOf(block);
    if (secretName === undefined) return notConfigured('its generic trigger names no secret');
    const secret = await deps.secret(workflow.namespace, secretName);
    if (secret === undefined || secret === '')
      return notConfigured(`secret ${secretName} is not set`);
    const now = (deps.now ?? Date.now)();
    const proof = authenticateWebhook(
      request.headers,
      request.body,
      secret,
      now,
      deps.replay.windowMs,
    );
    if (isRefusal(proof)) return refusal(401, proof.code, proof.message);
    const delivery = deliveryIdOf(request.headers);
    if ('problem' in delivery) return refusal(400, 'BAD_USER_INPUT', delivery.problem);
    if (delivery.id !== undefined) noteDeliveryId(delivery.id);
    const inputs = inputsOf(request.body);
    if (typeof inputs === 'string') return refusal(400, 'BAD_USER_INPUT', inputs);

    const keys = replayKeysOf(`${GENERIC_TRIGGER}/${uri}`, {
      ...(proof.signature === undefined ? {} : { signature: proof.signature }),
      ...(delivery.id === undefined ? {} : { deliveryId: delivery.id }),
    });
    const claim = await deps.replay.claim(keys, now);
    if (!claim.claimed) {
      noteDeliveryDuplicate(claim.runId);
      return jsonResponse(200, {
        duplicate: true,
        ...(claim.runId === undefined ? {} : { runId: claim.runId }),
      });
    }
    let runId: string | undefined;
    try {
      if (this.stopped) throw new StoppedError();
      runId = (await ctx.fire(uri, inputs, { type: GENERIC_TRIGGER })).runId;
    } catch (error) {
      // Nothing started: the sender's corrected or retried delivery must be able to run.
      await deps.replay.release(keys);
      if (error instanceof StoppedError)
        return refusal(503, 'TRIGGER_STOPPED', 'the generic webhook is stopping; retry later');
      if (error instanceof UserError) return refusal(400, error.code, error.message);
      throw error;
    }
    // Only tells later duplicates which run this was; the run has started either way.
    if (runId !== undefined) await deps.replay.started(keys, runId).catch(() => undefined);
    return jsonResponse(202, { runId });
  }
}

class StoppedError extends Error {}

function secretNameOf(block: TriggerDefinition): string | undefined {
  const name = block['secret'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The string fields of a JSON object body (others are ignored); a message when it is not one. */
function inputsOf(body: Uint8Array): Record<string, string> | string {
  const text = Buffer.from(body).toString('utf8').trim();
  if (text === '') return {};
  const parsed = jsonObjectOf(text);
  if (parsed === undefined) return 'the body must be a JSON object';
  const inputs: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') inputs[key] = value;
  }
  return inputs;
}
