/**
 * The webhook notifier against a loopback stand-in receiver: the SDK's notifier conformance suite,
 * the body and its signature as a receiver verifies them, and which failures are retryable.
 */
import { describe, expect, it } from 'vitest';
import { OperationalError, UserError, createPluginInstance } from '@containerops/sdk';
import {
  HttpStandIn,
  describeNotifierConformance,
  sampleNotification,
} from '@containerops/sdk/testing';
import { webhookNotifierPlugin } from './plugin.js';
import { signNotification } from './signature.js';

const create = (config: unknown = { timeoutMs: 2_000 }) =>
  createPluginInstance(webhookNotifierPlugin, config, { kind: 'notifier' });

describeNotifierConformance('webhook', async () => {
  const target = await HttpStandIn.start();
  return {
    notifier: await create(),
    receiver: { type: 'webhook', url: `${target.url}/hook`, secret: 'HMAC_KEY' },
    secrets: { HMAC_KEY: 'receiver-shared-key' },
    delivered: () => target.requests.length,
    breakTarget: () => {
      target.status = 503;
    },
    dispose: () => target.close(),
  };
});

describe('webhook notifier', () => {
  it('posts the run summary, signed so the receiver can verify it', async () => {
    const target = await HttpStandIn.start();
    try {
      const notifier = await create();
      await notifier.notify(
        sampleNotification({
          receivers: [{ type: 'webhook', url: `${target.url}/hook`, secret: 'HMAC_KEY' }],
          secrets: { HMAC_KEY: 'receiver-shared-key' },
        }),
      );
      const [request] = target.requests;
      const body = JSON.parse(request!.body) as Record<string, unknown>;
      expect(body).toMatchObject({
        kind: 'run',
        runId: 'run-1',
        workflow: 'acme/app/ci',
        status: 'failed',
        failedJob: {
          path: 'build.compile.go',
          lastLogLines: ['go: building', 'main.go:3:1: syntax error'],
        },
        url: 'http://localhost:8080/runs/run-1',
      });
      const timestamp = String(request!.headers['x-containerops-timestamp']);
      expect(request!.headers['x-containerops-signature']).toBe(
        signNotification('receiver-shared-key', timestamp, request!.body),
      );
      expect(request!.headers['x-containerops-delivery']).toBe('run-1:failed');
    } finally {
      await target.close();
    }
  });

  it('5xx and timeouts are retryable (OperationalError); 4xx and an unset secret are not', async () => {
    const target = await HttpStandIn.start();
    try {
      const notifier = await create({ timeoutMs: 200 });
      const to = (extra: Record<string, unknown> = {}) =>
        sampleNotification({ receivers: [{ type: 'webhook', url: target.url, ...extra }] });
      target.status = 502;
      await expect(notifier.notify(to())).rejects.toBeInstanceOf(OperationalError);
      target.status = 404;
      await expect(notifier.notify(to())).rejects.toBeInstanceOf(UserError);
      target.status = 200;
      target.delayMs = 1_000;
      await expect(notifier.notify(to())).rejects.toThrow(/no answer within 200 ms/);
      target.delayMs = 0;
      await expect(notifier.notify(to({ secret: 'UNSET' }))).rejects.toBeInstanceOf(UserError);
      await expect(
        notifier.notify(sampleNotification({ receivers: [{ type: 'webhook' }] })),
      ).rejects.toBeInstanceOf(UserError);
    } finally {
      await target.close();
    }
  });
});
