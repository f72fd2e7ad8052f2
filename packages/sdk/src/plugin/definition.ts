/**
 * A plugin is an npm package exporting one {@link PluginDefinition}, made with {@link definePlugin}.
 * The host loads it like this (and refuses it at start with a clear message when a step fails):
 * ```
 * checkPluginCompatibility(def)           shape and `sdkVersion` range    -> PLUGIN_INVALID / PLUGIN_INCOMPATIBLE
 * config = def.configSchema.parse(raw)    the plugin's block of the config -> PLUGIN_INVALID (message from the schema)
 * instance = await def.create(config, ctx)
 * ```
 * {@link createPluginInstance} runs these three steps.
 */
import type { Orchestrator } from '@containerops/core';
import type { HookPlugin } from '../kinds/hook.js';
import type { LogStore } from '../kinds/log-store.js';
import type { NotifierPlugin } from '../kinds/notifier.js';
import type { TriggerPlugin } from '../kinds/trigger.js';
import type { ConfigSchema } from './config-schema.js';
import type { PluginContext } from './context.js';

/** The version of this SDK; plugin definitions declare a range of it in `sdkVersion`. */
export const SDK_VERSION = '0.1.0';

/** What each plugin kind's factory returns. */
export interface PluginKindMap {
  orchestrator: Orchestrator;
  logStore: LogStore;
  trigger: TriggerPlugin;
  notifier: NotifierPlugin;
  hook: HookPlugin;
}

export type PluginKind = keyof PluginKindMap;

/** Every plugin kind, in the order docs list them. */
export const pluginKinds: readonly PluginKind[] = [
  'orchestrator',
  'logStore',
  'trigger',
  'notifier',
  'hook',
];

export interface PluginDefinition<K extends PluginKind = PluginKind, C = unknown> {
  readonly kind: K;
  /**
   * Registry name, unique per kind: how config files and the CLI select it (`local`, `docker`,
   * `sqlite`, `github`). Lower case, `[a-z0-9-]`.
   */
  readonly name: string;
  /** The plugin package's own version (semver). */
  readonly version: string;
  /** The SDK versions it works with, as a semver range (`^0.1.0`). */
  readonly sdkVersion: string;
  /** One line for `containerops plugins` and error messages. */
  readonly description?: string;
  /** Validates the plugin's config block; see {@link ConfigSchema}. */
  readonly configSchema: ConfigSchema<C>;
  /**
   * Builds one instance from a validated config. May be called several times (tests, several
   * configured instances); instances must not share mutable state unless documented.
   */
  create(config: C, context: PluginContext): PluginKindMap[K] | Promise<PluginKindMap[K]>;
}

/**
 * Declares a plugin. Returns the definition unchanged (frozen), typed so that `create` must return
 * the interface of `kind`. It does not validate: the host calls `checkPluginCompatibility` when it
 * loads the plugin, so a broken plugin is reported by the host instead of crashing the import.
 */
export function definePlugin<K extends PluginKind, C>(
  definition: PluginDefinition<K, C>,
): PluginDefinition<K, C> {
  return Object.freeze({ ...definition });
}
