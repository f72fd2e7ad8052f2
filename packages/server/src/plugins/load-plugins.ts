/**
 * Loads the plugins named in the config into the plugin host at start (see the SDK's
 * `@containerops/sdk/host`): the built-ins are already there, each `plugins:` entry is resolved,
 * imported, checked (shape, kind, SDK range) and its config validated. Any failure stops the start
 * with a message that names the plugin, where the config named it, and the problem.
 *
 * Loading does not select: `orchestrator: NAME` picks among every orchestrator the host knows
 * (built-in or loaded). A loaded log store is used instead of the built-in SQLite one (at most one
 * may be loaded); loaded triggers and notifiers run beside the built-ins.
 */
import { ErrorCode, UserError } from '@containerops/sdk';
import type { LoadedPlugin, PluginHost, PluginReference } from '@containerops/sdk/host';
import { createPluginHost } from './builtin-plugins.js';

export { PLUGIN_NOT_FOUND } from '@containerops/sdk/host';
export type { LoadedPlugin } from '@containerops/sdk/host';

/** The host with the config's plugins loaded, and those a server runs beside its built-ins. */
export interface LoadedPlugins {
  readonly host: PluginHost;
  /** A log store from the config; undefined: the built-in `sqlite`. */
  readonly logStore?: LoadedPlugin;
  readonly triggers: readonly LoadedPlugin[];
  readonly notifiers: readonly LoadedPlugin[];
  readonly hooks: readonly LoadedPlugin[];
}

/**
 * @throws UserError `PLUGIN_NOT_FOUND`, `PLUGIN_INVALID` or `PLUGIN_INCOMPATIBLE`; the message
 *   starts with `plugin "<module>" (<where>)`.
 */
export async function loadPlugins(
  references: readonly PluginReference[],
  host: PluginHost = createPluginHost(),
): Promise<LoadedPlugins> {
  for (const reference of references) await host.load(reference);
  const logStores = host.loaded('logStore');
  const [logStore, second] = logStores;
  if (logStore !== undefined && second !== undefined) {
    throw new UserError(
      ErrorCode.pluginInvalid,
      `plugin "${second.reference.module}" (${second.reference.where}): a second logStore ` +
        `plugin; ${logStore.reference.module} (${logStore.reference.where}) is one already, ` +
        'and the server uses one',
    );
  }
  return {
    host,
    ...(logStore === undefined ? {} : { logStore }),
    triggers: host.loaded('trigger'),
    notifiers: host.loaded('notifier'),
    hooks: host.loaded('hook'),
  };
}
