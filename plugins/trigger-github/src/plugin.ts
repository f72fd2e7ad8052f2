/** The plugin definition: `kind: trigger`, `name: github`. */
import { configSettings, definePlugin } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { GithubTriggerConfig } from './github-trigger.js';
import { GithubTrigger } from './github-trigger.js';

/** `{ secret?: string }`: the webhook secret set on GitHub. */
export const githubTriggerConfig: ConfigSchema<GithubTriggerConfig> = {
  parse(input: unknown): GithubTriggerConfig {
    const settings = configSettings(input, ['secret'], '{ secret: "..." }');
    const secret = settings['secret'];
    if (secret === undefined) return {};
    if (typeof secret !== 'string' || secret.length < 8)
      throw new Error(
        'secret must be a string of at least 8 characters (the webhook secret set on GitHub)',
      );
    return { secret };
  },
};

export const githubTriggerPlugin = definePlugin({
  kind: 'trigger',
  name: 'github',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'GitHub webhooks (push, tag, pull_request, release) start workflows',
  configSchema: githubTriggerConfig,
  create: (config, context) => new GithubTrigger(config, context.logger),
});
