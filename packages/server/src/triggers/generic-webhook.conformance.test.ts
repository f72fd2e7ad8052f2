/**
 * The SDK's trigger conformance suite on the built-in `generic` webhook, with its replay guard
 * and the organisation secrets in memory (the database-backed guard has its own test).
 */
import type { WorkflowDefinition } from '@containerops/core';
import type { TriggerContext, TriggerPlugin } from '@containerops/sdk';
import { describeTriggerConformance } from '@containerops/sdk/testing';
import { GenericTrigger } from './generic-webhook.js';
import type { GenericWebhookDeps } from './generic-webhook.js';
import { signWebhook } from './webhook-signature.js';

const SECRET = 'generic-conformance-secret';
const URI = 'acme/app/deploy';

/** The replay guard's contract over a map (claim, started, release, window). */
function memoryReplay(): GenericWebhookDeps['replay'] {
  const seen = new Map<string, string | undefined>();
  return {
    windowMs: 300_000,
    claim(keys) {
      const first = keys.find((k) => seen.has(k));
      if (first !== undefined) return Promise.resolve({ claimed: false, runId: seen.get(first) });
      for (const key of keys) seen.set(key, undefined);
      return Promise.resolve({ claimed: true });
    },
    started(keys, runId) {
      for (const key of keys) seen.set(key, runId);
      return Promise.resolve();
    },
    release(keys) {
      for (const key of keys) seen.delete(key);
      return Promise.resolve();
    },
  };
}

function request(body: string, headers: Record<string, string>) {
  return {
    method: 'POST',
    path: `/${URI}`,
    headers,
    query: {},
    body: new TextEncoder().encode(body),
  };
}

describeTriggerConformance('generic', () => {
  const trigger = { type: 'generic', secret: 'DEPLOY_SECRET' };
  // In the server the workflow lookup and the subscriptions read the same store (the latest
  // versions); here both read the suite's context.
  let ctx: TriggerContext | undefined;
  const generic = new GenericTrigger({
    workflow: (uri) => {
      const triggers = (ctx?.subscriptions() ?? [])
        .filter((s) => s.workflow === uri)
        .map((s) => s.trigger);
      return Promise.resolve(
        triggers.length === 0
          ? undefined
          : ({ uri, namespace: uri.split('/')[0], triggers } as unknown as WorkflowDefinition),
      );
    },
    secret: (organization, name) =>
      Promise.resolve(organization === 'acme' && name === 'DEPLOY_SECRET' ? SECRET : undefined),
    replay: memoryReplay(),
  });
  const plugin: TriggerPlugin = {
    start: (context) => {
      ctx = context;
      return generic.start(context);
    },
    stop: () => generic.stop(),
    handleHttp: (r) => generic.handleHttp(r),
  };
  const body = '{"BRANCH":"main"}';
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signed = {
    'x-containerops-timestamp': timestamp,
    'x-containerops-signature': signWebhook(SECRET, timestamp, body),
    'x-containerops-delivery': 'conformance-1',
  };
  return {
    plugin,
    subscriptions: [{ workflow: URI, trigger }],
    event: () => request(body, signed),
    badRequests: [
      request(body, {}),
      request(body, {
        ...signed,
        'x-containerops-signature': signWebhook('wrong', timestamp, body),
      }),
      request(body, { 'x-containerops-signature': signWebhook(SECRET, timestamp, body) }),
      request(body, { 'x-containerops-token': 'not the secret' }),
      request('[1, 2]', {
        ...signed,
        'x-containerops-signature': signWebhook(SECRET, timestamp, '[1, 2]'),
      }),
    ],
  };
});
