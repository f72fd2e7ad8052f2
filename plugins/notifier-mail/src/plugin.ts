/** The plugin definition: `kind: notifier`, `name: mail`. */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { MailNotifierConfig } from './mail-notifier.js';
import { MailNotifier } from './mail-notifier.js';

const SETTINGS = [
  'host',
  'port',
  'secure',
  'requireTLS',
  'user',
  'password',
  'from',
  'ca',
  'logLines',
  'timeoutMs',
];

/** See README.md for the settings; without `host` every notification fails with a clear message. */
export const mailNotifierConfig: ConfigSchema<MailNotifierConfig> = {
  parse(input: unknown): MailNotifierConfig {
    const c = input ?? {};
    if (!isConfigObject(c))
      throw new Error(
        'expected an object such as { host: "smtp.example.com", from: "ci@example.com" }',
      );
    const unknown = Object.keys(c).filter((k) => !SETTINGS.includes(k));
    if (unknown.length > 0)
      throw new Error(
        `unknown setting ${unknown.join(', ')}; the settings are ${SETTINGS.join(', ')}`,
      );
    const str = (key: string): string | undefined => {
      const v = c[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v === '') throw new Error(`${key} must be a non-empty string`);
      return v;
    };
    const int = (key: string, fallback: number, max: number): number => {
      const v = c[key] ?? fallback;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0 || v > max)
        throw new Error(`${key} must be an integer from 1 to ${max}`);
      return v;
    };
    const bool = (key: string, fallback: boolean): boolean => {
      const v = c[key] ?? fallback;
      if (typeof v !== 'boolean') throw new Error(`${key} must be true or false`);
      return v;
    };
    const secure = bool('secure', false);
    const host = str('host');
    const user = str('user');
    const password = str('password');
    const ca = str('ca');
    if ((user === undefined) !== (password === undefined))
      throw new Error('give user and password together');
    return {
      ...(host === undefined ? {} : { host }),
      port: int('port', secure ? 465 : 587, 65_535),
      secure,
      requireTLS: bool('requireTLS', true),
      ...(user === undefined ? {} : { user }),
      ...(password === undefined ? {} : { password }),
      from: str('from') ?? 'ContainerOps <containerops@localhost>',
      ...(ca === undefined ? {} : { ca }),
      logLines: int('logLines', 30, 50),
      timeoutMs: int('timeoutMs', 15_000, 600_000),
    };
  },
};

export const mailNotifierPlugin = definePlugin({
  kind: 'notifier',
  name: 'mail',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'An HTML and text run summary by mail (SMTP)',
  configSchema: mailNotifierConfig,
  create: (config) => new MailNotifier(config),
});
