/** The plugin definition: `kind: notifier`, `name: slack`. */
import { configSettings, definePlugin, millisecondsSetting } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { SlackNotifierConfig } from './slack-notifier.js';
import { SlackNotifier } from './slack-notifier.js';

/** `{ timeoutMs?: number }` (default 10 000). */
export const slackNotifierConfig: ConfigSchema<SlackNotifierConfig> = {
  parse(input: unknown): SlackNotifierConfig {
    const settings = configSettings(input, ['timeoutMs'], '{ timeoutMs: 5000 }');
    return { timeoutMs: millisecondsSetting(settings, 'timeoutMs', 10_000) };
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
