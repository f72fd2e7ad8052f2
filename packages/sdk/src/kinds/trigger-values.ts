/**
 * How a trigger's event values (`TriggerFireOptions.values`) become job environment: one
 * `CO_TRIGGER_<NAME>` variable each. The prefix is reserved for this (run inputs may not use any
 * `CO_*` name), so these variables need no `inputs:` declaration and cannot override another
 * variable. Hosts call {@link triggerEnv}; plugins and their docs use {@link triggerEnvName}.
 */

/** Prefix of the variables that carry a trigger's values to every job of the run. */
export const TRIGGER_ENV_PREFIX = 'CO_TRIGGER_';

const VALUE_NAME = /^[A-Za-z0-9_]{1,64}$/;
/** Longest value passed on; longer ones are cut (an env var is no place for a payload). */
const MAX_VALUE_CHARS = 4096;

/** `pr_number` → `CO_TRIGGER_PR_NUMBER`; undefined for a name outside `[A-Za-z0-9_]{1,64}`. */
export function triggerEnvName(name: string): string | undefined {
  return VALUE_NAME.test(name) ? `${TRIGGER_ENV_PREFIX}${name.toUpperCase()}` : undefined;
}

/** The `CO_TRIGGER_*` variables of `values`; names that are not valid are left out. */
export function triggerEnv(values: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const envName = triggerEnvName(name);
    if (envName === undefined || typeof value !== 'string') continue;
    env[envName] = value.replace(/\0/g, '').slice(0, MAX_VALUE_CHARS);
  }
  return env;
}
