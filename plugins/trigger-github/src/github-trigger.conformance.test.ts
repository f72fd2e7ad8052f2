/** The SDK's trigger conformance suite on the github trigger, fed GitHub's published payloads. */
import { createPluginInstance } from '@containerops/sdk';
import { describeTriggerConformance } from '@containerops/sdk/testing';
import { SECRET, example, githubRequest } from './examples.testkit.js';
import { githubTriggerPlugin } from './plugin.js';

describeTriggerConformance('github', async () => {
  const plugin = await createPluginInstance(
    githubTriggerPlugin,
    { secret: SECRET },
    { kind: 'trigger' },
  );
  const opened = example('pull_request', (p) => p['action'] === 'opened');
  const repository = (opened['repository'] as { full_name: string }).full_name;
  const good = githubRequest('pull_request', opened, { delivery: 'conformance-1' });
  return {
    plugin,
    subscriptions: [
      {
        workflow: 'acme/app/ci',
        trigger: { type: 'github', repository, events: ['pull_request'] },
      },
    ],
    event: () => good,
    badRequests: [
      githubRequest('pull_request', opened, { signature: null }),
      githubRequest('pull_request', opened, { secret: 'not the secret' }),
      { ...good, headers: { ...good.headers, 'x-hub-signature-256': 'sha256=00' } },
      { ...good, body: new TextEncoder().encode('{"tampered": true}') },
    ],
  };
});
