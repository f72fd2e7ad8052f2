/**
 * Creates the orchestrator the server runs jobs on, from its plugin definition (the same plugins
 * `containerops run` uses), with `auto` = docker when the Docker socket answers, else local, or
 * from an orchestrator plugin named in the config.
 */
import { join } from 'node:path';
import { createPluginInstance, ErrorCode, UserError } from '@containerops/sdk';
import type { Orchestrator, PluginContext } from '@containerops/sdk';
import type { OrchestratorChoice } from '../config/server-config.js';
import type { LoadedPlugin } from '../plugins/load-plugins.js';
import { pingDocker } from './docker-probe.js';

/** The built-in orchestrator a choice means: `auto` asks `dockerAnswers` (the socket's `_ping`). */
export async function chooseOrchestrator(
  choice: OrchestratorChoice,
  dockerAnswers: () => Promise<boolean> = () => pingDocker(),
): Promise<Exclude<OrchestratorChoice, 'auto'>> {
  if (choice !== 'auto') return choice;
  return (await dockerAnswers()) ? 'docker' : 'local';
}

/**
 * The orchestrator new runs use: a configured orchestrator plugin when there is one (it replaces
 * the built-in choice), else the built-in `choice`. Refuses one that is not available.
 */
export async function createOrchestrator(
  choice: OrchestratorChoice,
  dataDir: string,
  config?: Readonly<Record<string, unknown>>,
  configured?: { readonly plugin: LoadedPlugin; readonly context: PluginContext },
): Promise<Orchestrator> {
  const name = configured?.plugin.definition.name ?? (await chooseOrchestrator(choice));
  let orchestrator: Orchestrator;
  if (configured !== undefined) {
    const { plugin, context } = configured;
    orchestrator = await createPluginInstance(plugin.definition, plugin.reference.config, {
      kind: 'orchestrator',
      context,
    });
  } else if (name === 'docker') {
    const { dockerOrchestratorPlugin } = await import('@containerops/orchestrator-docker');
    orchestrator = await createPluginInstance(dockerOrchestratorPlugin, config, {
      kind: 'orchestrator',
    });
  } else if (name === 'swarm') {
    const { swarmOrchestratorPlugin } = await import('@containerops/orchestrator-swarm');
    orchestrator = await createPluginInstance(swarmOrchestratorPlugin, config, {
      kind: 'orchestrator',
    });
  } else {
    const { localOrchestratorPlugin } = await import('@containerops/orchestrator-local');
    orchestrator = await createPluginInstance(
      localOrchestratorPlugin,
      { rootDir: join(dataDir, 'workspaces'), ...config },
      { kind: 'orchestrator' },
    );
  }
  const availability = await orchestrator.isAvailable();
  if (!availability.available) {
    throw new UserError(
      ErrorCode.orchestratorUnavailable,
      `the ${name} orchestrator is not available: ${availability.reason ?? 'no reason given'}`,
    );
  }
  return orchestrator;
}
