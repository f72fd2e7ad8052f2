/** The plugin definition: `kind: trigger`, `name: gitlab`. */
import { configSettings, definePlugin } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { GitlabTriggerConfig } from './gitlab-trigger.js';
import { GitlabTrigger } from './gitlab-trigger.js';

/** `{ token?: string }`: the secret token set on the GitLab webhook. */
export const gitlabTriggerConfig: ConfigSchema<GitlabTriggerConfig> = {
  parse(input: unknown): GitlabTriggerConfig {
    const settings = configSettings(input, ['token'], '{ token: "..." }');
    const token = settings['token'];
    if (token === undefined) return {};
    if (typeof token !== 'string' || token.length < 8)
      throw new Error(
        'token must be a string of at least 8 characters (the secret token set on GitLab)',
      );
    return { token };
  },
};

export const gitlabTriggerPlugin = definePlugin({
  kind: 'trigger',
  name: 'gitlab',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'GitLab webhooks (push, tag push, merge request) start workflows',
  configSchema: gitlabTriggerConfig,
  create: (config, context) => new GitlabTrigger(config, context.logger),
});
