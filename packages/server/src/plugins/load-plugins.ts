/**
 * Loads the plugins named in the config at start, following the SDK's host steps (see the SDK's
 * `definition.ts`): import the module, take its plugin definition, `checkPluginCompatibility`
 * (shape, kind, SDK range), validate the plugin's config with its schema. Any failure stops the
 * start with a message that names the plugin, where the config named it, and the problem.
 *
 * Instances are not created here: start-up creates the orchestrator and the log store it picked
 * (a configured one replaces the built-in choice) and starts triggers once the services exist.
 */
import {
  checkPluginCompatibility,
  ContainerOpsError,
  ErrorCode,
  UserError,
} from '@containerops/sdk';
import type { PluginDefinition, PluginKind } from '@containerops/sdk';
import type { PluginReference } from '../config/server-config.js';
import { resolvePluginModule } from './resolve-plugin-module.js';

/** Stable code when a configured plugin module cannot be found or imported. */
export const PLUGIN_NOT_FOUND = 'PLUGIN_NOT_FOUND';

/** The plugin kinds this server knows how to use. */
export const SERVER_PLUGIN_KINDS: readonly PluginKind[] = ['orchestrator', 'logStore', 'trigger'];

/** A configured plugin, checked and with its config validated; not created yet. */
export interface LoadedPlugin {
  readonly reference: PluginReference;
  readonly definition: PluginDefinition;
  /** The config as the plugin's schema returned it. */
  readonly config: unknown;
}

/** The plugins of the config, by kind. At most one orchestrator and one log store. */
export interface LoadedPlugins {
  readonly orchestrator?: LoadedPlugin;
  readonly logStore?: LoadedPlugin;
  readonly triggers: readonly LoadedPlugin[];
}

/**
 * @throws UserError `PLUGIN_NOT_FOUND`, `PLUGIN_INVALID` or `PLUGIN_INCOMPATIBLE`; the message
 *   starts with `plugin "<module>" (<where>)`.
 */
export async function loadPlugins(references: readonly PluginReference[]): Promise<LoadedPlugins> {
  let orchestrator: LoadedPlugin | undefined;
  let logStore: LoadedPlugin | undefined;
  const triggers: LoadedPlugin[] = [];
  for (const reference of references) {
    const plugin = await loadPlugin(reference);
    const kind = plugin.definition.kind;
    const clash = (other: LoadedPlugin | undefined): void => {
      if (other === undefined) return;
      throw problem(
        reference,
        ErrorCode.pluginInvalid,
        `a second ${kind} plugin; ${other.reference.module} (${other.reference.where}) is one ` +
          'already, and the server uses one',
      );
    };
    if (kind === 'orchestrator') {
      clash(orchestrator);
      orchestrator = plugin;
    } else if (kind === 'logStore') {
      clash(logStore);
      logStore = plugin;
    } else {
      const name = plugin.definition.name;
      const same = triggers.find((t) => t.definition.name === name);
      if (same !== undefined)
        throw problem(reference, ErrorCode.pluginInvalid, `a second trigger named "${name}"`);
      triggers.push(plugin);
    }
  }
  return {
    ...(orchestrator === undefined ? {} : { orchestrator }),
    ...(logStore === undefined ? {} : { logStore }),
    triggers,
  };
}

async function loadPlugin(reference: PluginReference): Promise<LoadedPlugin> {
  const url = resolvePluginModule(reference.module, reference.baseDir);
  if (url === undefined) {
    throw problem(
      reference,
      PLUGIN_NOT_FOUND,
      reference.module.startsWith('/')
        ? 'no such file or directory'
        : `package not found in node_modules from ${reference.baseDir} (install it with npm)`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw problem(reference, PLUGIN_NOT_FOUND, `cannot import ${url}: ${messageOf(error)}`);
  }
  const definition = definitionOf(module);
  try {
    checkPluginCompatibility(definition);
  } catch (error) {
    const code = error instanceof ContainerOpsError ? error.code : ErrorCode.pluginInvalid;
    throw problem(reference, code, messageOf(error));
  }
  if (!SERVER_PLUGIN_KINDS.includes(definition.kind)) {
    throw problem(
      reference,
      ErrorCode.pluginInvalid,
      `it is a ${definition.kind} plugin; the server loads ${SERVER_PLUGIN_KINDS.join(', ')} plugins`,
    );
  }
  let config: unknown;
  try {
    config = definition.configSchema.parse(reference.config);
  } catch (error) {
    throw problem(reference, ErrorCode.pluginInvalid, `its config is invalid: ${messageOf(error)}`);
  }
  return { reference, definition, config };
}

/** The default export, else the only export that looks like a plugin definition. */
function definitionOf(module: Record<string, unknown>): unknown {
  if (module['default'] !== undefined) return module['default'];
  const candidates = Object.values(module).filter(
    (value) => typeof value === 'object' && value !== null && 'kind' in value && 'create' in value,
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}

function problem(reference: PluginReference, code: string, why: string): UserError {
  return new UserError(code, `plugin "${reference.module}" (${reference.where}): ${why}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
