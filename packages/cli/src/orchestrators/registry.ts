/**
 * The orchestrators the CLI can run on, by name. Plugins load lazily (`await import()`), so a
 * command that runs nothing never loads dockerode, and a plugin that is not installed is simply
 * "not installed". Adding an orchestrator is one entry in {@link orchestratorRegistry}.
 */
import type { Orchestrator, WorkflowDefinition } from '@containerops/sdk';
import { createPluginInstance, ErrorCode, UserError } from '@containerops/sdk';
import { UsageError } from '../usage.js';
import { workflowMisfit } from './workflow-fit.js';

export interface OrchestratorEntry {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** Considered when no `--orchestrator` is given, in registry order. */
  readonly auto: boolean;
  /** Creates the orchestrator; undefined when its package is not installed. */
  load(): Promise<Orchestrator | undefined>;
}

/**
 * Registry order is the preference order of the default choice. Each entry names the plugin and
 * the package exporting its definition (`definePlugin({ kind: 'orchestrator', name, ... })`).
 */
export const orchestratorRegistry: readonly OrchestratorEntry[] = [
  pluginEntry('docker', 'containers on the local Docker engine', true, () =>
    importOptional('@containerops/orchestrator-docker'),
  ),
  pluginEntry('swarm', 'Docker Swarm services (replicated jobs)', false, () =>
    importOptional('@containerops/orchestrator-swarm'),
  ),
  pluginEntry(
    'local',
    'child processes on this machine; runs `command` jobs only, no images',
    true,
    () => import('@containerops/orchestrator-local'),
  ),
];

/**
 * The orchestrator to run on: `requested` by name, else the first `auto` entry that is installed,
 * available and (when `workflow` is given) able to run every job of it — or, if none can run them
 * all, the first available one (its job errors then say what is missing).
 *
 * @throws UsageError for an unknown name (the message lists the known ones).
 * @throws UserError `ORCHESTRATOR_UNAVAILABLE` when the requested one is not installed or not
 *   available, or cannot run some job of `workflow` (an image-less job on a container backend,
 *   an image on `local`), or when no default is; the message says why for each.
 */
export async function selectOrchestrator(
  requested: string | undefined,
  entries: readonly OrchestratorEntry[] = orchestratorRegistry,
  workflow?: WorkflowDefinition,
): Promise<Orchestrator> {
  if (requested !== undefined) {
    const entry = entries.find((e) => e.name === requested);
    if (entry === undefined) {
      throw new UsageError(
        `unknown orchestrator '${requested}'; known: ${entries.map((e) => e.name).join(', ')}`,
        'run',
      );
    }
    const { orchestrator, reason } = await probe(entry);
    if (orchestrator === undefined) {
      throw new UserError(
        ErrorCode.orchestratorUnavailable,
        `the ${entry.name} orchestrator ${reason}`,
      );
    }
    // Refuse up front rather than start the run and fail each job ("has no image") one by one.
    const misfit = workflow === undefined ? undefined : workflowMisfit(orchestrator, workflow);
    if (misfit !== undefined) {
      const other = orchestrator.capabilities.images
        ? 'run it with --orchestrator local, or give those jobs an "endpoint" image'
        : 'run it on a container orchestrator (--orchestrator docker), or give those jobs a "command"';
      throw new UserError(
        ErrorCode.orchestratorUnavailable,
        `the ${entry.name} orchestrator cannot run this workflow: it ${misfit}; ${other}`,
      );
    }
    return orchestrator;
  }
  const reasons: string[] = [];
  let fallback: Orchestrator | undefined;
  for (const entry of entries.filter((e) => e.auto)) {
    const { orchestrator, reason } = await probe(entry);
    if (orchestrator === undefined) {
      reasons.push(`${entry.name}: ${reason}`);
      continue;
    }
    if (workflow === undefined || workflowMisfit(orchestrator, workflow) === undefined)
      return orchestrator;
    fallback ??= orchestrator;
  }
  if (fallback !== undefined) return fallback;
  throw new UserError(
    ErrorCode.orchestratorUnavailable,
    `no orchestrator is available (${reasons.join('; ')})`,
  );
}

async function probe(
  entry: OrchestratorEntry,
): Promise<{ orchestrator?: Orchestrator; reason: string }> {
  let orchestrator: Orchestrator | undefined;
  try {
    orchestrator = await entry.load();
  } catch (error) {
    return { reason: `failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (orchestrator === undefined) return { reason: 'is not installed' };
  const availability = await orchestrator.isAvailable();
  if (!availability.available)
    return { reason: `is not available: ${availability.reason ?? 'no reason given'}` };
  return { orchestrator, reason: '' };
}

/**
 * An entry whose orchestrator comes from the plugin definition named `name` that the module
 * loaded by `importModule` exports (under any export name). The definition is checked
 * (`checkPluginCompatibility`) and created with no config, so the plugin's defaults apply.
 */
export function pluginEntry(
  name: string,
  description: string,
  auto: boolean,
  importModule: () => Promise<object | undefined>,
): OrchestratorEntry {
  return {
    name,
    description,
    auto,
    async load() {
      const mod = await importModule();
      if (mod === undefined) return undefined;
      const definition = Object.values(mod).find(
        (value: unknown) =>
          isPluginDefinition(value) && value.kind === 'orchestrator' && value.name === name,
      );
      if (definition === undefined)
        throw new Error(`its package exports no orchestrator plugin named "${name}"`);
      return createPluginInstance(definition, undefined, { kind: 'orchestrator' });
    },
  };
}

function isPluginDefinition(value: unknown): value is { kind: unknown; name: unknown } {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

/** Imports a package that may not be installed; undefined when it is not. */
export async function importOptional(specifier: string): Promise<object | undefined> {
  try {
    // A variable specifier: the CLI must build and run without optional plugins installed.
    return (await import(specifier)) as object;
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return undefined;
    throw error;
  }
}

function isModuleNotFound(error: unknown, specifier: string): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return (
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(specifier)
  );
}
