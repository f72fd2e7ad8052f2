/** Runs the SDK's notifier conformance suite against this plugin, as every notifier does. */
import { createPluginInstance } from '@containerops/sdk';
import { describeNotifierConformance, HttpStandIn } from '@containerops/sdk/testing';
import plugin from './index.js';

describeNotifierConformance('__NAME__', async () => {
  const target = await HttpStandIn.start();
  return {
    notifier: await createPluginInstance(plugin, undefined, { kind: 'notifier' }),
    receiver: { type: '__NAME__', urlSecret: 'HOOK_URL' },
    secrets: { HOOK_URL: `${target.url}/notify` },
    delivered: () => target.requests.length,
    breakTarget: () => {
      target.status = 503;
    },
    dispose: () => target.close(),
  };
});
