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

/**
 * The settings of a config block, checked for what every hand-written `parse` refuses first:
 * `undefined` or `null` is `{}` (no settings given), anything but an object is refused with
 * `expected an object such as <example>`, and so is a setting not in `settings` (a typo must not
 * pass silently as a default).
 */
export function configSettings(
  input: unknown,
  settings: readonly string[],
  example: string,
): Record<string, unknown> {
  if (input === undefined || input === null) return {};
  if (!isConfigObject(input)) throw new Error(`expected an object such as ${example}`);
  const unknown = Object.keys(input).filter((key) => !settings.includes(key));
  if (unknown.length > 0)
    throw new Error(
      `unknown setting ${unknown.join(', ')}; ${settings.length === 1 ? 'the setting is' : 'the settings are'} ${settings.join(', ')}`,
    );
  return input;
}

/** `settings[key]` as a positive whole number of milliseconds; `fallback` when absent. */
export function millisecondsSetting(
  settings: Readonly<Record<string, unknown>>,
  key: string,
  fallback: number,
): number {
  const value = settings[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${key} must be a positive integer (milliseconds)`);
  return value;
}
