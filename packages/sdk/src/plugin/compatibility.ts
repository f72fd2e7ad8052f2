/** Checks that a loaded module's export is a plugin definition this SDK can run. */
import { ContainerOpsError, ErrorCode, UserError } from '@containerops/core';
import type { PluginContext } from './context.js';
import { silentLogger } from './context.js';
import { isConfigObject } from './config-schema.js';
import { pluginKinds, SDK_VERSION } from './definition.js';
import type { PluginDefinition, PluginKind, PluginKindMap } from './definition.js';
import { isValidRange, parseVersion, satisfies } from './semver.js';

const namePattern = /^[a-z0-9][a-z0-9-]*$/;

function invalid(label: string, problem: string): ContainerOpsError {
  return new ContainerOpsError(
    'user',
    ErrorCode.pluginInvalid,
    `plugin ${label} is invalid: ${problem}`,
  );
}

/**
 * Throws `ContainerOpsError` `PLUGIN_INVALID` when `definition` is not a well-formed plugin
 * definition (not an object, unknown kind, bad name, missing `create` or `configSchema.parse`,
 * malformed `sdkVersion`), and `PLUGIN_INCOMPATIBLE` when {@link SDK_VERSION} does not satisfy its
 * `sdkVersion` range. Both are user errors (kind `user`): the message names the plugin and says
 * what to change. Pure; safe to call any number of times.
 */
export function checkPluginCompatibility(
  definition: unknown,
  sdkVersion: string = SDK_VERSION,
): asserts definition is PluginDefinition {
  if (!isConfigObject(definition)) {
    throw invalid(
      '(unnamed)',
      'the module must export an object made with definePlugin({ kind, name, ... })',
    );
  }
  const name = typeof definition.name === 'string' ? definition.name : '';
  const label = name ? `"${name}"` : '(unnamed)';
  if (!namePattern.test(name)) {
    throw invalid(label, 'name must be a non-empty lower-case string of [a-z0-9-]');
  }
  if (
    typeof definition.kind !== 'string' ||
    !(pluginKinds as readonly string[]).includes(definition.kind)
  ) {
    throw invalid(
      label,
      `unknown kind ${JSON.stringify(definition.kind)}; expected one of ${pluginKinds.join(', ')}`,
    );
  }
  if (typeof definition.version !== 'string' || !parseVersion(definition.version)) {
    throw invalid(
      label,
      `version ${JSON.stringify(definition.version)} is not a semver version (x.y.z)`,
    );
  }
  if (typeof definition.create !== 'function') {
    throw invalid(label, 'create(config, context) is missing');
  }
  const schema = definition.configSchema;
  if (!isConfigObject(schema) || typeof schema.parse !== 'function') {
    throw invalid(
      label,
      'configSchema must have a parse(input) method (use noConfig when it takes none)',
    );
  }
  const range = definition.sdkVersion;
  if (typeof range !== 'string' || !isValidRange(range)) {
    throw invalid(
      label,
      `sdkVersion ${JSON.stringify(range)} is not a semver range such as "^${sdkVersion}"`,
    );
  }
  if (!satisfies(sdkVersion, range)) {
    throw new ContainerOpsError(
      'user',
      ErrorCode.pluginIncompatible,
      `plugin ${label} (${definition.kind}, version ${definition.version}) needs @containerops/sdk ${range}, ` +
        `but this host runs SDK ${sdkVersion}. Install a version of the plugin built for SDK ${sdkVersion}.`,
      { details: { plugin: name, kind: definition.kind, required: range, actual: sdkVersion } },
    );
  }
}

/**
 * Checks `definition`, validates `config` with its schema and creates an instance. Throws
 * `PLUGIN_INVALID` / `PLUGIN_INCOMPATIBLE` as {@link checkPluginCompatibility}, `PLUGIN_INVALID`
 * (with the schema's message) for a bad config, and `PLUGIN_INVALID` when `kind` is given and differs.
 * Errors thrown by `create` itself propagate unchanged.
 */
export async function createPluginInstance<K extends PluginKind>(
  definition: unknown,
  config: unknown,
  options: { readonly kind?: K; readonly context?: Partial<PluginContext> } = {},
): Promise<PluginKindMap[K]> {
  checkPluginCompatibility(definition);
  const label = `"${definition.name}"`;
  if (options.kind !== undefined && definition.kind !== options.kind) {
    throw invalid(
      label,
      `it is a ${definition.kind} plugin, but a ${options.kind} plugin is needed here`,
    );
  }
  let parsed: unknown;
  try {
    parsed = definition.configSchema.parse(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(
      ErrorCode.pluginInvalid,
      `config of plugin ${label} is invalid: ${reason}`,
      { cause: error },
    );
  }
  const context: PluginContext = { logger: silentLogger, ...options.context };
  return (await definition.create(parsed, context)) as PluginKindMap[K];
}
