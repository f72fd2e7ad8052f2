/** The slack notifier against a loopback stand-in of an incoming webhook. */
import { describe, expect, it } from 'vitest';
import { OperationalError, UserError, createPluginInstance } from '@containerops/sdk';
import {
  HttpStandIn,
  describeNotifierConformance,
  sampleNotification,
} from '@containerops/sdk/testing';
import { slackNotifierPlugin } from './plugin.js';

const create = () =>
  createPluginInstance(slackNotifierPlugin, { timeoutMs: 2_000 }, { kind: 'notifier' });

describeNotifierConformance('slack', async () => {
  const slack = await HttpStandIn.start();
  return {
    notifier: await create(),
    receiver: { type: 'slack', webhook: 'SLACK_WEBHOOK' },
    secrets: { SLACK_WEBHOOK: `${slack.url}/services/T000/B000/XXXX` },
    delivered: () => slack.requests.length,
    breakTarget: () => {
      slack.status = 500;
    },
    dispose: () => slack.close(),
  };
});

describe('slack notifier', () => {
  it('posts a Block Kit message with the status, the failed job and a link', async () => {
    const slack = await HttpStandIn.start();
    try {
      await (
        await create()
      ).notify(
        sampleNotification({
          receivers: [{ type: 'slack', webhook: 'SLACK_WEBHOOK' }],
          secrets: { SLACK_WEBHOOK: `${slack.url}/services/x` },
        }),
      );
      expect(slack.requests.map((r) => r.url)).toEqual(['/services/x']);
      const message = JSON.parse(slack.requests[0]!.body) as {
        text: string;
        blocks: { type: string }[];
      };
      expect(message.text).toContain(':x: acme/app/ci #run-1 failed');
      expect(message.blocks.map((b) => b.type)).toEqual([
        'header',
        'section',
        'section',
        'actions',
      ]);
      expect(JSON.stringify(message.blocks)).toContain('main.go:3:1: syntax error');
      expect(JSON.stringify(message.blocks)).toContain('http://localhost:8080/runs/run-1');
    } finally {
      await slack.close();
    }
  });

  it('a rate limit is retryable; an unset secret is not, and no URL leaks into the error', async () => {
    const slack = await HttpStandIn.start();
    try {
      const notifier = await create();
      const url = `${slack.url}/services/secret-part`;
      slack.status = 429;
      const limited = notifier.notify(
        sampleNotification({
          receivers: [{ type: 'slack', webhook: 'HOOK' }],
          secrets: { HOOK: url },
        }),
      );
      await expect(limited).rejects.toBeInstanceOf(OperationalError);
      await expect(limited).rejects.not.toThrow(/secret-part/);
      await expect(
        notifier.notify(sampleNotification({ receivers: [{ type: 'slack', webhook: 'HOOK' }] })),
      ).rejects.toBeInstanceOf(UserError);
    } finally {
      await slack.close();
    }
  });
});
