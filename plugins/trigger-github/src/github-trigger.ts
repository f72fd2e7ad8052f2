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
  TriggerPlugin,
} from '@containerops/sdk';
import { UserError } from '@containerops/sdk';
import type { GithubEvent } from './events.js';
import { githubEventOf } from './events.js';
import { answer, json } from './response.js';
import { SIGNATURE_HEADER, verifyGithubSignature } from './signature.js';
import { githubBlockOf, whyNot } from './subscription.js';

export const EVENT_HEADER = 'x-github-event';
export const DELIVERY_HEADER = 'x-github-delivery';

export interface GithubTriggerConfig {
  /** The webhook secret set on the GitHub side; without it every delivery is answered 503. */
  readonly secret?: string;
}

const DELIVERY_ID = /^[\x21-\x7e]{1,128}$/;

export class GithubTrigger implements TriggerPlugin {
  private ctx: TriggerContext | undefined;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: GithubTriggerConfig,
    private readonly logger: PluginLogger,
  ) {}

  start(ctx: TriggerContext): Promise<void> {
    this.ctx = ctx;
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  handleHttp(request: TriggerHttpRequest): Promise<TriggerHttpResponse> {
    const handling = this.handle(request);
    this.inFlight.add(handling);
    void handling.finally(() => this.inFlight.delete(handling));
    return handling;
  }

  private async handle(request: TriggerHttpRequest): Promise<TriggerHttpResponse> {
    const ctx = this.ctx;
    if (ctx === undefined || this.stopped)
      return answer(503, 'TRIGGER_STOPPED', 'the github trigger is not running; retry later');
    if (request.method !== 'POST') return answer(405, 'METHOD_NOT_ALLOWED', 'use POST');
    const secret = this.config.secret;
    if (secret === undefined || secret === '')
      return answer(
        503,
        'WEBHOOK_NOT_CONFIGURED',
        'the github trigger has no webhook secret: set it in the server config (plugins)',
      );
    const signature = request.headers[SIGNATURE_HEADER];
    if (signature === undefined)
      return answer(
        401,
        'UNSIGNED',
        `${SIGNATURE_HEADER} is required: set a secret on the webhook`,
      );
    if (!verifyGithubSignature(secret, request.body, signature))
      return answer(401, 'BAD_SIGNATURE', `${SIGNATURE_HEADER} does not match the body`);
    const eventName = request.headers[EVENT_HEADER]?.trim() ?? '';
    if (eventName === '') return answer(400, 'BAD_USER_INPUT', `${EVENT_HEADER} is required`);
    if (eventName === 'ping') return json(200, { pong: true });
    const deliveryId = request.headers[DELIVERY_HEADER]?.trim() ?? '';
    if (!DELIVERY_ID.test(deliveryId))
      return answer(
        400,
        'BAD_USER_INPUT',
        `${DELIVERY_HEADER} must be 1 to 128 visible characters`,
      );
    const payload = jsonObjectOf(request.body);
    if (payload === undefined)
      return answer(
        400,
        'BAD_USER_INPUT',
        'the body must be a JSON object (content type application/json)',
      );
    const event = githubEventOf(eventName, payload);
    if ('ignored' in event) return json(202, { ignored: event.ignored });
    return this.fireFor(ctx, event, deliveryId);
  }

  private async fireFor(
    ctx: TriggerContext,
    event: GithubEvent,
    deliveryId: string,
  ): Promise<TriggerHttpResponse> {
    const runs: { workflow: string; runId?: string; duplicate?: true }[] = [];
    const refused: { workflow: string; code: string; message: string }[] = [];
    for (const subscription of ctx.subscriptions()) {
      const block = githubBlockOf(subscription);
      if (typeof block === 'string') {
        this.warnOnce(subscription.workflow, block);
        continue;
      }
      if (whyNot(block, event) !== undefined) continue;
      // Re-checked per workflow: stop() may have begun while an earlier fire was awaited.
      if (this.stopped) break;
      try {
        const fired = await ctx.fire(
          block.workflow,
          {},
          { type: 'github', event: event.kind, delivery: deliveryId, ...event.values },
          { once: `delivery:${deliveryId}`, values: { ...event.values, delivery: deliveryId } },
        );
        runs.push({
          workflow: block.workflow,
          ...(fired.runId === undefined ? {} : { runId: fired.runId }),
          ...(fired.duplicate === true ? { duplicate: true as const } : {}),
        });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        refused.push({ workflow: block.workflow, code: error.code, message: error.message });
      }
    }
    if (runs.length === 0 && refused.length === 0)
      return json(202, {
        ignored: `no workflow subscribes to ${event.kind} of ${event.repository}${event.branch === undefined ? '' : ` on ${event.branch}`}${event.tag === undefined ? '' : ` tag ${event.tag}`}`,
      });
    if (runs.length === 0)
      return json(400, { code: refused[0]?.code, message: refused[0]?.message, refused });
    return json(202, { runs, ...(refused.length === 0 ? {} : { refused }) });
  }

  private warnOnce(workflow: string, problem: string): void {
    const key = `${workflow}\n${problem}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(`workflow ${workflow}: its github trigger is ignored: ${problem}`);
  }
}

function jsonObjectOf(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
