import type {
  PluginLogger,
  TriggerContext,
  TriggerFireOptions,
  TriggerHttpRequest,
  TriggerHttpResponse,
  TriggerSubscription,
} from '@containerops/sdk';
import { UserError } from '@containerops/sdk';
import { describe, expect, it } from 'vitest';
import type { GitBlockRules } from './git-block.js';
import type { GitDelivery } from './git-webhook-trigger.js';
import { GitWebhookTrigger } from './git-webhook-trigger.js';

type Kind = 'push';

const rules: GitBlockRules<Kind> = {
  repositoryField: 'repository',
  repositoryPattern: /^[\w.-]+\/[\w.-]+$/,
  repositoryProblem: 'repository must be owner/name',
  eventKinds: ['push'],
  defaultEvents: ['push'],
};

/**
 * The smallest git host: the request body is `branch delivery-id` and names acme/payments. What
 * it exercises is the kit's part after the checks: matching, `once` per delivery, warnings.
 */
class TinyGitTrigger extends GitWebhookTrigger<Kind> {
  protected handleRequest(
    ctx: TriggerContext,
    request: TriggerHttpRequest,
  ): Promise<TriggerHttpResponse> {
    const [branch = '', deliveryId = ''] = new TextDecoder().decode(request.body).split(' ');
    const delivery: GitDelivery<Kind> = {
      event: { kind: 'push', branch, values: { ref: `refs/heads/${branch}` } },
      repository: 'Acme/Payments',
      deliveryId,
      trigger: { type: 'tiny', branch },
    };
    return this.fireFor(ctx, delivery);
  }
}

interface Fired {
  workflow: string;
  options: TriggerFireOptions | undefined;
}

/** A host context that claims `once` keys per workflow, as the server does durably. */
function hostWith(subscriptions: TriggerSubscription[], refuse: string[] = []) {
  const fired: Fired[] = [];
  const claimed = new Set<string>();
  const warnings: string[] = [];
  const logger: PluginLogger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => warnings.push(message),
    error: () => undefined,
  };
  const ctx: TriggerContext = {
    logger,
    signal: new AbortController().signal,
    subscriptions: () => subscriptions,
    onSubscriptionsChange: () => () => undefined,
    fire: (workflow, _inputs, _trigger, options) => {
      if (refuse.includes(workflow))
        return Promise.reject(new UserError('INPUT_REQUIRED', `${workflow} needs an input`));
      const key = `${workflow}\n${options?.once ?? ''}`;
      if (options?.once !== undefined && claimed.has(key))
        return Promise.resolve({ duplicate: true as const });
      claimed.add(key);
      fired.push({ workflow, options });
      return Promise.resolve({ runId: `run-${fired.length}` });
    },
  };
  return { ctx, fired, warnings, logger };
}

function post(body: string): TriggerHttpRequest {
  return {
    method: 'POST',
    path: '/',
    headers: {},
    query: {},
    body: new TextEncoder().encode(body),
  };
}

function json(response: TriggerHttpResponse): Record<string, unknown> {
  return JSON.parse(String(response.body)) as Record<string, unknown>;
}

const block = (workflow: string, trigger: Record<string, unknown>): TriggerSubscription => ({
  workflow,
  trigger: { type: 'tiny', ...trigger },
});

describe('GitWebhookTrigger', () => {
  it('fires each wanting workflow once per delivery id, with the event values and the id', async () => {
    const host = hostWith([
      block('acme/payments/ci', { repository: 'acme/payments', branches: ['main'] }),
      block('acme/payments/docs', { repository: 'acme/payments', branches: ['docs/**'] }),
      block('acme/other/ci', { repository: 'acme/other' }),
    ]);
    const trigger = new TinyGitTrigger('tiny trigger', rules, host.logger);
    await trigger.start(host.ctx);

    const first = await trigger.handleHttp(post('main d-1'));
    expect(first.status).toBe(202);
    expect(json(first)).toEqual({ runs: [{ workflow: 'acme/payments/ci', runId: 'run-1' }] });
    expect(host.fired).toEqual([
      {
        workflow: 'acme/payments/ci',
        options: { once: 'delivery:d-1', values: { ref: 'refs/heads/main', delivery: 'd-1' } },
      },
    ]);

    const again = await trigger.handleHttp(post('main d-1'));
    expect(json(again)).toEqual({ runs: [{ workflow: 'acme/payments/ci', duplicate: true }] });
    expect(host.fired).toHaveLength(1);

    await trigger.handleHttp(post('main d-2'));
    expect(host.fired).toHaveLength(2);
  });

  it('answers 202 with why when nothing wants the event', async () => {
    const host = hostWith([
      block('acme/payments/ci', { repository: 'acme/payments', branches: ['main'] }),
    ]);
    const trigger = new TinyGitTrigger('tiny trigger', rules, host.logger);
    await trigger.start(host.ctx);
    const answer = await trigger.handleHttp(post('feature/x d-3'));
    expect(answer.status).toBe(202);
    expect(json(answer)).toEqual({
      ignored: 'no workflow subscribes to push of Acme/Payments on feature/x',
    });
    expect(host.fired).toHaveLength(0);
  });

  it('skips a block it cannot read and warns once per workflow and problem', async () => {
    const host = hostWith([
      block('acme/payments/broken', { repository: 'not a repository' }),
      block('acme/payments/ci', { repository: 'acme/payments' }),
    ]);
    const trigger = new TinyGitTrigger('tiny trigger', rules, host.logger);
    await trigger.start(host.ctx);
    await trigger.handleHttp(post('main d-4'));
    await trigger.handleHttp(post('main d-5'));
    expect(host.fired.map((f) => f.workflow)).toEqual(['acme/payments/ci', 'acme/payments/ci']);
    expect(host.warnings).toEqual([
      'workflow acme/payments/broken: its tiny trigger is ignored: repository must be owner/name',
    ]);
  });

  it('answers 400 with the refusal when every wanting workflow refuses', async () => {
    const host = hostWith(
      [block('acme/payments/ci', { repository: 'acme/payments' })],
      ['acme/payments/ci'],
    );
    const trigger = new TinyGitTrigger('tiny trigger', rules, host.logger);
    await trigger.start(host.ctx);
    const answer = await trigger.handleHttp(post('main d-6'));
    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({ code: 'INPUT_REQUIRED' });
  });

  it('refuses with 503 once stopped and fires nothing', async () => {
    const host = hostWith([block('acme/payments/ci', { repository: 'acme/payments' })]);
    const trigger = new TinyGitTrigger('tiny trigger', rules, host.logger);
    await trigger.start(host.ctx);
    await trigger.stop();
    const answer = await trigger.handleHttp(post('main d-7'));
    expect(answer.status).toBe(503);
    expect(json(answer)).toMatchObject({ code: 'TRIGGER_STOPPED' });
    expect(host.fired).toHaveLength(0);
  });
});
