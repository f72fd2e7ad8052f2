/**
 * How a plugin validates its configuration (the block under its name in the server config file).
 * The shape is the one zod exposes, so a zod schema can be passed as is; plugins that want no
 * dependency write `parse` by hand.
 */
export interface ConfigSchema<T> {
  /**
   * Returns the validated (and defaulted) config, or throws an `Error` whose message says what is
   * wrong in words the operator can act on ("rootDir must be an absolute path"). Called once per
   * plugin instance, before `create`; must not have side effects.
   */
  parse(input: unknown): T;
}

/** The config type a schema produces. */
export type InferConfig<S> = S extends ConfigSchema<infer T> ? T : never;

/** Schema of a plugin that takes no configuration: accepts `undefined`, `null` or `{}`. */
export const noConfig: ConfigSchema<Record<string, never>> = {
  parse(input: unknown): Record<string, never> {
    if (input === undefined || input === null) return {};
    if (typeof input === 'object' && !Array.isArray(input) && Object.keys(input).length === 0)
      return {};
    throw new Error('this plugin takes no configuration; remove its settings');
  },
};

/** True when `value` looks like a plain object (what config blocks are). */
export function isConfigObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
