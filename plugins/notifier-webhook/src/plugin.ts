/** The plugin definition: `kind: notifier`, `name: webhook`. */
import { configSettings, definePlugin, millisecondsSetting } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { WebhookNotifierConfig } from './webhook-notifier.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** `{ timeoutMs?: number }` (default 10 000). */
export const webhookNotifierConfig: ConfigSchema<WebhookNotifierConfig> = {
  parse(input: unknown): WebhookNotifierConfig {
    const settings = configSettings(input, ['timeoutMs'], '{ timeoutMs: 5000 }');
    return { timeoutMs: millisecondsSetting(settings, 'timeoutMs', 10_000) };
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
