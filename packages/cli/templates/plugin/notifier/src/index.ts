/**
 * __PACKAGE__: the `__NAME__` notifier plugin for ContainerOps. The default export is its
 * definition; a server that loads it (`plugins:`) notifies the workflows' `receivers:` of type
 * `__NAME__`.
 */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { __CLASS__Notifier } from './notifier.js';

export interface __CLASS__Config {
  /** How long one delivery may take; default 10 s. */
  readonly timeoutMs: number;
}

/** Validates the plugin's config block; the message of what it throws reaches the operator. */
export const configSchema: ConfigSchema<__CLASS__Config> = {
  parse(input) {
    if (input === undefined || input === null) return { timeoutMs: 10_000 };
    if (!isConfigObject(input)) throw new Error('expected a map such as { timeoutMs: 10000 }');
    const { timeoutMs = 10_000 } = input;
    if (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) <= 0)
      throw new Error('timeoutMs must be a positive integer');
    return { timeoutMs: timeoutMs as number };
  },
};

const plugin = definePlugin({
  kind: 'notifier',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  description: '__NAME__ notifier',
  configSchema,
  create: (config) => new __CLASS__Notifier(config.timeoutMs),
});

export default plugin;
