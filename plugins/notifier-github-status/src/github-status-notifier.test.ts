/** The github-status notifier against a loopback stand-in of the GitHub REST API. */
import { describe, expect, it } from 'vitest';
import { UserError, createPluginInstance } from '@containerops/sdk';
import type { RunNotification } from '@containerops/sdk';
import {
  HttpStandIn,
  describeNotifierConformance,
  sampleNotification,
} from '@containerops/sdk/testing';
import { githubStatusNotifierPlugin } from './plugin.js';

const SHA = '34c5c7793cb3b279e22454cb6750c80560547b3a';
const fromGithub = (n: RunNotification): RunNotification => ({
  ...n,
  snapshot: {
    ...n.snapshot,
    trigger: { type: 'github', repo: 'acme/payments', sha: SHA, pr_number: '2' },
  },
});

describeNotifierConformance('github-status', async () => {
  const api = await HttpStandIn.start();
  const notifier = await createPluginInstance(
    githubStatusNotifierPlugin,
    { baseUrl: api.url, token: 'ghs_test' },
    { kind: 'notifier' },
  );
  return {
    // The suite's notifications do not come from the github trigger: give them its trigger info.
    notifier: { notify: (n) => notifier.notify(fromGithub(n)), close: () => notifier.close!() },
    receiver: { type: 'github-status' },
    delivered: () => api.requests.length,
    breakTarget: () => {
      api.status = 502;
    },
    dispose: () => api.close(),
  };
});

describe('github-status notifier', () => {
  it('sets pending when the run starts, then failure or success, on the commit', async () => {
    const api = await HttpStandIn.start();
    try {
      const notifier = await createPluginInstance(
        githubStatusNotifierPlugin,
        { baseUrl: `${api.url}/api/v3/` },
        { kind: 'notifier' },
      );
      expect(notifier.defaultOn).toEqual(['started', 'always']);
      const receivers = [
        { type: 'github-status', token: 'STATUS_TOKEN', context: 'ci/containerops' },
      ];
      const secrets = { STATUS_TOKEN: 'ghs_secret' };
      await notifier.notify(
        fromGithub(sampleNotification({ status: 'running', receivers, secrets })),
      );
      await notifier.notify(
        fromGithub(sampleNotification({ status: 'failed', receivers, secrets })),
      );
      expect(api.requests.map((r) => r.url)).toEqual([
        `/api/v3/repos/acme/payments/statuses/${SHA}`,
        `/api/v3/repos/acme/payments/statuses/${SHA}`,
      ]);
      expect(api.requests.map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual([
        'pending',
        'failure',
      ]);
      expect(JSON.parse(api.requests[1]!.body)).toMatchObject({
        context: 'ci/containerops',
        target_url: 'http://localhost:8080/runs/run-1',
      });
      expect(api.requests[0]!.headers['authorization']).toBe('Bearer ghs_secret');
    } finally {
      await api.close();
    }
  });

  it('leaves runs not started by the github trigger alone; refuses a receiver without a token', async () => {
    const api = await HttpStandIn.start();
    try {
      const notifier = await createPluginInstance(
        githubStatusNotifierPlugin,
        { baseUrl: api.url },
        { kind: 'notifier' },
      );
      await notifier.notify(sampleNotification({ receivers: [{ type: 'github-status' }] }));
      expect(api.requests).toEqual([]);
      await expect(
        notifier.notify(fromGithub(sampleNotification({ receivers: [{ type: 'github-status' }] }))),
      ).rejects.toBeInstanceOf(UserError);
    } finally {
      await api.close();
    }
  });
});
