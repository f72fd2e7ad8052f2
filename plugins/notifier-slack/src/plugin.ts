/** The plugin definition: `kind: notifier`, `name: slack`. */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { SlackNotifierConfig } from './slack-notifier.js';
import { SlackNotifier } from './slack-notifier.js';

/** `{ timeoutMs?: number }` (default 10 000). */
export const slackNotifierConfig: ConfigSchema<SlackNotifierConfig> = {
  parse(input: unknown): SlackNotifierConfig {
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

export const slackNotifierPlugin = definePlugin({
  kind: 'notifier',
  name: 'slack',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'A Block Kit message through a Slack incoming webhook',
  configSchema: slackNotifierConfig,
  create: (config) => new SlackNotifier(config),
});
