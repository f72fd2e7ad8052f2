/**
 * `@containerops/sdk/host`: the plugin host the server and the CLI share (see plugin-host.ts).
 * Separate from the main entry because plugins never need it and it does file-system work.
 */
export { PLUGIN_NOT_FOUND, PluginHost } from './plugin-host.js';
export type { BuiltinPlugin, LoadedPlugin, PluginEntry, PluginReference } from './plugin-host.js';
export { PluginModuleNotFound, resolvePluginModule } from './resolve-plugin-module.js';
