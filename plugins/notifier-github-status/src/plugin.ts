/** The plugin definition: `kind: notifier`, `name: github-status`. */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { GithubStatusConfig } from './github-status-notifier.js';
import { GithubStatusNotifier } from './github-status-notifier.js';

const SETTINGS = ['baseUrl', 'token', 'timeoutMs'];

/** `{ baseUrl?, token?, timeoutMs? }`. */
export const githubStatusConfig: ConfigSchema<GithubStatusConfig> = {
  parse(input: unknown): GithubStatusConfig {
    const config = input ?? {};
    if (!isConfigObject(config))
      throw new Error('expected an object such as { baseUrl: "https://api.github.com" }');
    const unknown = Object.keys(config).filter((k) => !SETTINGS.includes(k));
    if (unknown.length > 0)
      throw new Error(
        `unknown setting ${unknown.join(', ')}; the settings are ${SETTINGS.join(', ')}`,
      );
    const baseUrl = config['baseUrl'] ?? 'https://api.github.com';
    if (typeof baseUrl !== 'string' || !/^https?:\/\/[^/]/.test(baseUrl))
      throw new Error('baseUrl must be an http(s) URL such as https://github.example.com/api/v3');
    const token = config['token'];
    if (token !== undefined && (typeof token !== 'string' || token === ''))
      throw new Error('token must be a non-empty string');
    const timeoutMs = config['timeoutMs'] ?? 10_000;
    if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      throw new Error('timeoutMs must be a positive integer (milliseconds)');
    return { baseUrl, timeoutMs, ...(token === undefined ? {} : { token }) };
  },
};

export const githubStatusNotifierPlugin = definePlugin({
  kind: 'notifier',
  name: 'github-status',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'Commit statuses on GitHub for runs started by the github trigger',
  configSchema: githubStatusConfig,
  create: (config) => new GithubStatusNotifier(config),
});
