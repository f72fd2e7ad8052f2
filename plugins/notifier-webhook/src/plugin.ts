/** The plugin definition: `kind: notifier`, `name: webhook`. */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { WebhookNotifierConfig } from './webhook-notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** `{ timeoutMs?: number }` (default 10 000). */
export const webhookNotifierConfig: ConfigSchema<WebhookNotifierConfig> = {
  parse(input: unknown): WebhookNotifierConfig {
    if (input === undefined || input === null) return { timeoutMs: 10_000 };
    if (!isConfigObject(input)) throw new Error('expected an object such as { timeoutMs: 5000 }');
    const unknown = Object.keys(input).filter((k) => k !== 'timeoutMs');
    if (unknown.length > 0)
      throw new Error(`unknown setting ${unknown.join(', ')}; the setting is timeoutMs`);
    const timeoutMs = input['timeoutMs'] ?? 10_000;
    if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      throw new Error('timeoutMs must be a positive integer (milliseconds)');
    return { timeoutMs };
  },
};

export const webhookNotifierPlugin = definePlugin({
  kind: 'notifier',
  name: 'webhook',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'A signed JSON POST of the run summary',
  configSchema: webhookNotifierConfig,
  create: (config) => new WebhookNotifier(config),
});
