/** Runs the SDK's trigger conformance suite against this plugin, as every trigger does. */
import { createPluginInstance } from '@containerops/sdk';
import type { TriggerHttpRequest } from '@containerops/sdk';
import { describeTriggerConformance } from '@containerops/sdk/testing';
import plugin from './index.js';

const TOKEN = 'conformance-token-0123456789';
let delivery = 0;

const request = (token: string, body: unknown): TriggerHttpRequest => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/json', 'x-__NAME__-token': token },
  query: {},
  body: new TextEncoder().encode(JSON.stringify(body)),
});

describeTriggerConformance('__NAME__', async () => {
  const id = `d-${++delivery}`;
  return {
    plugin: await createPluginInstance(plugin, { token: TOKEN }, { kind: 'trigger' }),
    subscriptions: [{ workflow: 'acme/app/ci', trigger: { type: '__NAME__' } }],
    event: () => request(TOKEN, { workflow: 'acme/app/ci', id }),
    badRequests: [
      request('wrong-token-0123456789abcdef', { workflow: 'acme/app/ci', id }),
      request(TOKEN, { workflow: 42 }),
    ],
  };
});
