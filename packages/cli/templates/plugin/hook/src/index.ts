/**
 * __PACKAGE__: the `__NAME__` hook plugin for ContainerOps. The default export is its definition.
 */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { __CLASS__Hooks } from './hook.js';

export interface __CLASS__Config {
  /** Longest a hook may run; default 30 s. */
  readonly timeoutMs: number;
}

/** Validates the plugin's config block; the message of what it throws reaches the operator. */
export const configSchema: ConfigSchema<__CLASS__Config> = {
  parse(input) {
    if (input === undefined || input === null) return { timeoutMs: 30_000 };
    if (!isConfigObject(input)) throw new Error('expected a map such as { timeoutMs: 30000 }');
    const { timeoutMs = 30_000 } = input;
    if (!Number.isSafeInteger(timeoutMs) || (timeoutMs as number) <= 0)
      throw new Error('timeoutMs must be a positive integer');
    return { timeoutMs: timeoutMs as number };
  },
};

const plugin = definePlugin({
  kind: 'hook',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  description: '__NAME__ hooks',
  configSchema,
  create: (config) => new __CLASS__Hooks(config.timeoutMs),
});

export default plugin;
