/**
 * The __NAME__ trigger: a starting point that starts runs from webhook calls, and passes the
 * trigger conformance suite as it is. `POST /hooks/__NAME__/` with a JSON body
 * `{ "workflow": "ns/repo/name", "id": "<delivery id>" }` and the header
 * `x-__NAME__-token: <token>` fires the workflow when one of its `triggers:` blocks has
 * `type: __NAME__`. Replace the request parsing and the check with your event source's (a
 * signature, a poller, a queue), keep the contract (see `TriggerPlugin` in @containerops/sdk).
 */
import { timingSafeEqual } from 'node:crypto';
import type {
  TriggerContext,
  TriggerHttpRequest,
  TriggerHttpResponse,
  TriggerPlugin,
} from '@containerops/sdk';

export class __CLASS__Trigger implements TriggerPlugin {
  private ctx: TriggerContext | undefined;

  constructor(private readonly token: string) {}

  start(ctx: TriggerContext): Promise<void> {
    this.ctx = ctx;
    return Promise.resolve();
  }

  /** After it resolves nothing fires any more: requests get 503 (the sender retries later). */
  stop(): Promise<void> {
    this.ctx = undefined;
    return Promise.resolve();
  }

  async handleHttp(request: TriggerHttpRequest): Promise<TriggerHttpResponse> {
    const ctx = this.ctx;
    if (ctx === undefined) return answer(503, 'not started');
    if (request.method !== 'POST') return answer(405, 'POST only');
    if (!this.authorized(request.headers['x-__NAME__-token'])) return answer(401, 'bad token');
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
    } catch {
      return answer(400, 'the body must be JSON');
    }
    const { workflow, id } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (typeof workflow !== 'string' || typeof id !== 'string' || id === '' || id.length > 100)
      return answer(400, 'expected { "workflow": "ns/repo/name", "id": "delivery id" }');
    const subscribed = ctx.subscriptions().some((s) => s.workflow === workflow);
    if (!subscribed) return answer(202, 'no workflow subscribes to this event');
    // `once`: the host starts one run per delivery id, however often it is delivered.
    const result = await ctx.fire(
      workflow,
      {},
      { type: '__NAME__', id },
      { once: `delivery:${id}` },
    );
    return result.duplicate === true ? answer(200, 'duplicate') : answer(202, result.runId);
  }

  private authorized(given: string | undefined): boolean {
    if (given === undefined) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function answer(status: number, message: string): TriggerHttpResponse {
  return { status, headers: { 'content-type': 'text/plain' }, body: `${message}\n` };
}
