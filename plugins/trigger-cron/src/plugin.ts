/** The plugin definition: `kind: trigger`, `name: cron`. */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import type { CronTriggerConfig } from './cron-trigger.js';
import { CronTrigger } from './cron-trigger.js';

const DAY = 86_400_000;

/** `{ catchUp?: boolean, catchUpWithinMs?: number }`. */
export const cronTriggerConfig: ConfigSchema<CronTriggerConfig> = {
  parse(input: unknown): CronTriggerConfig {
    if (input === undefined || input === null) return { catchUp: false, catchUpWithinMs: DAY };
    if (!isConfigObject(input)) throw new Error('expected an object such as { catchUp: true }');
    const unknown = Object.keys(input).filter((k) => k !== 'catchUp' && k !== 'catchUpWithinMs');
    if (unknown.length > 0)
      throw new Error(
        `unknown setting ${unknown.join(', ')}; the settings are catchUp, catchUpWithinMs`,
      );
    const catchUp = input['catchUp'] ?? false;
    if (typeof catchUp !== 'boolean') throw new Error('catchUp must be true or false');
    const within = input['catchUpWithinMs'] ?? DAY;
    if (typeof within !== 'number' || !Number.isSafeInteger(within) || within <= 0)
      throw new Error('catchUpWithinMs must be a positive integer (milliseconds)');
    return { catchUp, catchUpWithinMs: within };
  },
};

export const cronTriggerPlugin = definePlugin({
  kind: 'trigger',
  name: 'cron',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: 'Cron schedules (5 fields, time zones) start workflows; one run per tick',
  configSchema: cronTriggerConfig,
  create: (config, context) => new CronTrigger(config, context.logger),
});
