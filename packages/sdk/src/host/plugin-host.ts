/**
 * The plugin host the server and the CLI share: one list of plugin definitions, built-in and
 * third-party alike, from which they create instances by kind and name.
 *
 * ```
 * host = new PluginHost()
 * host.addBuiltin(entry)             for each built-in (loaded lazily: a command that runs nothing
 *                                    never imports dockerode)
 * await host.load(reference)         for each third-party plugin (config `plugins:`, `--plugin`):
 *                                    resolve, import, check shape and SDK range, validate its config
 * await host.create(kind, name, ...)  the one instance of a plugin, with its validated config and a
 *                                    PluginContext; refused with a clear error otherwise
 * await host.health()                every created instance: name, version, ok or why not
 * ```
 * Names are unique per kind: a loaded plugin named like a built-in takes its place (that is how a
 * built-in gets a config: name its package under `plugins:`), two loaded ones with one name are
 * refused. So a name always means one plugin.
 */
import { ContainerOpsError, ErrorCode, UserError } from '@containerops/core';
import { checkPluginCompatibility } from '../plugin/compatibility.js';
import type { PluginContext } from '../plugin/context.js';
import { silentLogger } from '../plugin/context.js';
import type { PluginDefinition, PluginKind, PluginKindMap } from '../plugin/definition.js';
import type { HealthStatus, PluginHealth } from '../plugin/health.js';
import { PluginModuleNotFound, resolvePluginModule } from './resolve-plugin-module.js';

/** Stable code when a plugin module cannot be found or imported, or no plugin has that name. */
export const PLUGIN_NOT_FOUND = 'PLUGIN_NOT_FOUND';

/** A third-party plugin a host was told to load. */
export interface PluginReference {
  /** An npm package name (resolved from `baseDir`'s node_modules) or a path. */
  readonly module: string;
  /** Its raw settings; checked against the plugin's config schema when it is loaded. */
  readonly config?: unknown;
  /** Where package names and relative paths are resolved from. */
  readonly baseDir: string;
  /** Where it was named (`containerops.yaml:7:5`, `--plugin`), for error messages. */
  readonly where: string;
}

/** A built-in plugin: known by kind and name up front, its definition imported on first use. */
export interface BuiltinPlugin {
  readonly kind: PluginKind;
  readonly name: string;
  /** One line for `--help` and `containerops plugin list`. */
  readonly description: string;
  /**
   * Whether a host that picks an orchestrator by itself (`auto`) may pick this one, in list order.
   */
  readonly auto?: boolean;
  /** The definition; undefined when its (optional) package is not installed. */
  load(): Promise<PluginDefinition | undefined>;
}

/** A third-party plugin, checked and with its config validated; created on demand. */
export interface LoadedPlugin {
  readonly reference: PluginReference;
  readonly definition: PluginDefinition;
  /** The config as the plugin's schema returned it. */
  readonly config: unknown;
}

/** One plugin the host knows, as lists show it. */
export interface PluginEntry {
  readonly kind: PluginKind;
  readonly name: string;
  readonly description: string;
  readonly auto: boolean;
  /** `builtin`, or the module it was loaded from. */
  readonly source: string;
}

interface Known extends PluginEntry {
  readonly builtin?: BuiltinPlugin;
  readonly loaded?: LoadedPlugin;
}

interface Created {
  readonly kind: PluginKind;
  readonly name: string;
  readonly version: string;
  readonly source: string;
  readonly instance: unknown;
}

export class PluginHost {
  private readonly known: Known[] = [];
  private readonly created: Created[] = [];

  /** Registers a built-in. @throws Error when the kind already has a plugin of that name. */
  addBuiltin(plugin: BuiltinPlugin): void {
    this.refuseDuplicate(plugin.kind, plugin.name);
    this.known.push({
      kind: plugin.kind,
      name: plugin.name,
      description: plugin.description,
      auto: plugin.auto ?? false,
      source: 'builtin',
      builtin: plugin,
    });
  }

  /**
   * Imports a third-party plugin, checks it and validates its config; it then counts like a
   * built-in (replacing the built-in of its name, if any). @throws UserError `PLUGIN_NOT_FOUND`, `PLUGIN_INVALID` or `PLUGIN_INCOMPATIBLE`;
   *   the message starts with `plugin "<module>" (<where>)`.
   */
  async load(reference: PluginReference): Promise<LoadedPlugin> {
    let url: string;
    try {
      url = resolvePluginModule(reference.module, reference.baseDir);
    } catch (error) {
      if (!(error instanceof PluginModuleNotFound)) throw error;
      throw problem(reference, PLUGIN_NOT_FOUND, error.message);
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
    let config: unknown;
    try {
      config = definition.configSchema.parse(reference.config);
    } catch (error) {
      throw problem(
        reference,
        ErrorCode.pluginInvalid,
        `its config is invalid: ${messageOf(error)}`,
      );
    }
    const clash = this.find(definition.kind, definition.name);
    if (clash?.loaded !== undefined) {
      throw problem(
        reference,
        ErrorCode.pluginInvalid,
        `a second ${definition.kind} plugin named "${definition.name}" (${clash.source} has that name)`,
      );
    }
    // Naming a built-in's package (or another plugin of its name) configures that name: the
    // loaded one takes the built-in's place, so the name still means one plugin.
    if (clash !== undefined) this.known.splice(this.known.indexOf(clash), 1);
    const loaded: LoadedPlugin = { reference, definition, config };
    this.known.push({
      kind: definition.kind,
      name: definition.name,
      description: definition.description ?? '',
      auto: false,
      source: reference.module,
      loaded,
    });
    return loaded;
  }

  /** The plugins of `kind` (all when absent): built-ins first in their order, then loaded ones. */
  entries(kind?: PluginKind): PluginEntry[] {
    return this.known
      .filter((k) => kind === undefined || k.kind === kind)
      .map(({ kind: k, name, description, auto, source }) => ({
        kind: k,
        name,
        description,
        auto,
        source,
      }));
  }

  /** The third-party plugins loaded with {@link load}, of `kind` (all when absent). */
  loaded(kind?: PluginKind): LoadedPlugin[] {
    return this.known.flatMap((k) =>
      k.loaded !== undefined && (kind === undefined || k.kind === kind) ? [k.loaded] : [],
    );
  }

  /** True when a plugin of `kind` is named `name`. */
  has(kind: PluginKind, name: string): boolean {
    return this.find(kind, name) !== undefined;
  }

  /**
   * Creates the instance of plugin `name`: a loaded plugin with the config it was loaded with
   * (`config` here is then ignored), a built-in with `config` validated by its schema. Records it
   * for {@link health}.
   *
   * @throws UserError `PLUGIN_NOT_FOUND` (unknown name: the message lists the known ones, or the
   *   built-in's package is not installed), `PLUGIN_INVALID` / `PLUGIN_INCOMPATIBLE`; errors of
   *   the plugin's `create` propagate unchanged.
   */
  async create<K extends PluginKind>(
    kind: K,
    name: string,
    options: { readonly config?: unknown; readonly context?: Partial<PluginContext> } = {},
  ): Promise<PluginKindMap[K]> {
    const known = this.find(kind, name);
    if (known === undefined) {
      const names = this.entries(kind).map((e) => e.name);
      throw new UserError(
        PLUGIN_NOT_FOUND,
        `unknown ${kind} "${name}"; known: ${names.length === 0 ? 'none' : names.join(', ')}` +
          ' (a third-party plugin must be loaded first: server config `plugins:`, `--plugin`)',
      );
    }
    let definition: PluginDefinition;
    let config: unknown;
    if (known.loaded !== undefined) {
      ({ definition, config } = known.loaded);
    } else {
      const found = await known.builtin?.load();
      if (found === undefined) {
        throw new UserError(
          PLUGIN_NOT_FOUND,
          `the ${kind} plugin "${name}" is not installed (its package is missing)`,
        );
      }
      checkPluginCompatibility(found);
      definition = found;
      try {
        config = definition.configSchema.parse(options.config);
      } catch (error) {
        throw new UserError(
          ErrorCode.pluginInvalid,
          `config of ${kind} plugin "${name}" is invalid: ${messageOf(error)}`,
          { cause: error },
        );
      }
    }
    if (definition.kind !== kind) {
      throw new UserError(
        ErrorCode.pluginInvalid,
        `plugin "${name}" is a ${definition.kind} plugin, but a ${kind} plugin is needed here`,
      );
    }
    const context: PluginContext = { logger: silentLogger, ...options.context };
    const instance = (await definition.create(config, context)) as PluginKindMap[K];
    this.created.push({
      kind,
      name,
      version: definition.version,
      source: known.source,
      instance,
    });
    return instance;
  }

  /**
   * The health of every instance created so far, in creation order: `health()` when the
   * instance has it, `isAvailable()` for orchestrators, else ok. Never rejects: a check that
   * throws or takes longer than `timeoutMs` reports not ok, with the reason.
   */
  async health(timeoutMs = 5_000): Promise<PluginHealth[]> {
    return Promise.all(
      this.created.map(async (c): Promise<PluginHealth> => {
        const status = await withTimeout(statusOf(c.instance), timeoutMs);
        return {
          kind: c.kind,
          name: c.name,
          version: c.version,
          source: c.source,
          ok: status.ok,
          ...(status.reason === undefined ? {} : { reason: status.reason }),
        };
      }),
    );
  }

  private find(kind: PluginKind, name: string): Known | undefined {
    return this.known.find((k) => k.kind === kind && k.name === name);
  }

  private refuseDuplicate(kind: PluginKind, name: string): void {
    if (this.find(kind, name) !== undefined)
      throw new Error(`a second built-in ${kind} plugin named "${name}"`);
  }
}

async function statusOf(instance: unknown): Promise<HealthStatus> {
  const subject = instance as {
    health?: () => Promise<HealthStatus>;
    isAvailable?: () => Promise<{ available: boolean; reason?: string }>;
  };
  try {
    if (typeof subject.health === 'function') return await subject.health();
    if (typeof subject.isAvailable === 'function') {
      const a = await subject.isAvailable();
      return { ok: a.available, ...(a.reason === undefined ? {} : { reason: a.reason }) };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `health check failed: ${messageOf(error)}` };
  }
}

async function withTimeout(check: Promise<HealthStatus>, ms: number): Promise<HealthStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<HealthStatus>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
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
