/**
 * __PACKAGE__: the `__NAME__` trigger plugin for ContainerOps. The default export is its
 * definition; a server that loads it (`plugins:`) serves it at `/hooks/__NAME__/`.
 */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema } from '@containerops/sdk';
import { __CLASS__Trigger } from './trigger.js';

export interface __CLASS__Config {
  /** The shared token callers send in `x-__NAME__-token`. */
  readonly token: string;
}

/** Validates the plugin's config block; the message of what it throws reaches the operator. */
export const configSchema: ConfigSchema<__CLASS__Config> = {
  parse(input) {
    if (!isConfigObject(input) || typeof input['token'] !== 'string' || input['token'].length < 16)
      throw new Error('expected { token: "<at least 16 characters>" }');
    return { token: input['token'] };
  },
};

const plugin = definePlugin({
  kind: 'trigger',
  name: '__NAME__',
  version: '0.1.0',
  sdkVersion: '^__SDK_VERSION__',
  description: '__NAME__ webhook trigger',
  configSchema,
  create: (config) => new __CLASS__Trigger(config.token),
});

export default plugin;
