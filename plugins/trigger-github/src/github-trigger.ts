/**
 * The `github` trigger: `POST /hooks/github` receives GitHub's webhook deliveries (one endpoint
 * for every repository; the payload names it). Each delivery is checked, then matched against
 * every workflow's `github` block (subscription.ts), and each matching workflow is fired once per
 * `X-GitHub-Delivery` id, durably (the host's `once` claims), so a redelivery starts nothing.
 *
 * Answers: 401 without or with a wrong `X-Hub-Signature-256`; 503 while no secret is configured;
 * 400 for a body that is not a JSON object or a missing delivery id; 200 to `ping`; 202 with the
 * runs started, or with the reason nothing started (an event or action it does not handle, no
 * workflow subscribed). `handleHttp` never throws for what the sender sent.
 */
import type {
  PluginLogger,
  TriggerContext,
  TriggerHttpRequest,
  TriggerHttpResponse,
} from '@containerops/sdk';
import { jsonResponse } from '@containerops/sdk';
import type { DeliveryRules } from '@containerops/git-trigger-kit';
import { GitWebhookTrigger, checkDelivery, isAnswer } from '@containerops/git-trigger-kit';
import type { GithubEventKind } from './events.js';
import { githubEventOf } from './events.js';
import { SIGNATURE_HEADER, verifyGithubSignature } from './signature.js';
import { GITHUB_BLOCK } from './subscription.js';

export const EVENT_HEADER = 'x-github-event';
export const DELIVERY_HEADER = 'x-github-delivery';

export interface GithubTriggerConfig {
  /** The webhook secret set on the GitHub side; without it every delivery is answered 503. */
  readonly secret?: string;
}

const GITHUB_DELIVERY: DeliveryRules = {
  notConfigured: 'the github trigger has no webhook secret: set it in the server config (plugins)',
  proofHeader: SIGNATURE_HEADER,
  proofMissing: `${SIGNATURE_HEADER} is required: set a secret on the webhook`,
  proofMismatch: `${SIGNATURE_HEADER} does not match the body`,
  proves: verifyGithubSignature,
  eventHeader: EVENT_HEADER,
  answerAtOnce: (eventName) =>
    eventName === 'ping' ? jsonResponse(200, { pong: true }) : undefined,
  deliveryHeader: DELIVERY_HEADER,
  notJson: 'the body must be a JSON object (content type application/json)',
};

export class GithubTrigger extends GitWebhookTrigger<GithubEventKind> {
  constructor(
    private readonly config: GithubTriggerConfig,
    logger: PluginLogger,
  ) {
    super('github trigger', GITHUB_BLOCK, logger);
  }

  protected async handleRequest(
    ctx: TriggerContext,
    request: TriggerHttpRequest,
  ): Promise<TriggerHttpResponse> {
    const checked = checkDelivery(request, this.config.secret, GITHUB_DELIVERY);
    if (isAnswer(checked)) return checked;
    const { deliveryId } = checked;
    const event = githubEventOf(checked.eventName, checked.payload);
    if ('ignored' in event) return jsonResponse(202, { ignored: event.ignored });
    return this.fireFor(ctx, {
      event,
      repository: event.repository,
      deliveryId,
      trigger: { type: 'github', event: event.kind, delivery: deliveryId, ...event.values },
    });
  }
}
