/**
 * The `gitlab` trigger: `POST /hooks/gitlab` receives GitLab's webhook deliveries (one endpoint
 * for every project; the payload names it). The sender proves itself with the webhook's secret
 * token in `X-Gitlab-Token`; each matching workflow is fired once per `X-Gitlab-Event-UUID`,
 * durably (the host's `once` claims), so a redelivery starts nothing.
 *
 * Answers: 401 without or with a wrong token; 503 while no token is configured; 400 for a body
 * that is not a JSON object or a missing event UUID; 202 with the runs started, or with the
 * reason nothing started. `handleHttp` never throws for what the sender sent.
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
import type { GitlabEventKind } from './events.js';
import { gitlabEventOf } from './events.js';
import { GITLAB_BLOCK } from './subscription.js';
import { TOKEN_HEADER, tokenMatches } from './token.js';

export const EVENT_HEADER = 'x-gitlab-event';
export const EVENT_UUID_HEADER = 'x-gitlab-event-uuid';

export interface GitlabTriggerConfig {
  /** The secret token set on the GitLab webhook; without it every delivery is answered 503. */
  readonly token?: string;
}

const GITLAB_DELIVERY: DeliveryRules = {
  notConfigured: 'the gitlab trigger has no webhook token: set it in the server config (plugins)',
  proofHeader: TOKEN_HEADER,
  proofMissing: `${TOKEN_HEADER} is required: set a secret token on the webhook`,
  proofMismatch: `${TOKEN_HEADER} does not match`,
  proves: (secret, _body, token) => tokenMatches(secret, token),
  eventHeader: EVENT_HEADER,
  deliveryHeader: EVENT_UUID_HEADER,
  notJson: 'the body must be a JSON object',
};

export class GitlabTrigger extends GitWebhookTrigger<GitlabEventKind> {
  constructor(
    private readonly config: GitlabTriggerConfig,
    logger: PluginLogger,
  ) {
    super('gitlab trigger', GITLAB_BLOCK, logger);
  }

  protected async handleRequest(
    ctx: TriggerContext,
    request: TriggerHttpRequest,
  ): Promise<TriggerHttpResponse> {
    const checked = checkDelivery(request, this.config.token, GITLAB_DELIVERY);
    if (isAnswer(checked)) return checked;
    const { deliveryId } = checked;
    const event = gitlabEventOf(checked.eventName, checked.payload);
    if ('ignored' in event) return jsonResponse(202, { ignored: event.ignored });
    return this.fireFor(ctx, {
      event,
      repository: event.project,
      deliveryId,
      trigger: { type: 'gitlab', delivery: deliveryId, ...event.values },
    });
  }
}
