/**
 * Creates the orchestrator the server runs jobs on, from the plugin host (the same list
 * `containerops run` uses): `orchestrator: NAME` names any orchestrator the host knows, built-in
 * or loaded from `plugins:`; `auto` is docker when the Docker socket answers, else local.
 */
import { join } from 'node:path';
import { ErrorCode, UserError } from '@containerops/sdk';
import type { Orchestrator, PluginContext } from '@containerops/sdk';
import type { PluginHost } from '@containerops/sdk/host';
import { pingDocker } from './docker-probe.js';

/** The orchestrator a choice names: `auto` asks `dockerAnswers` (the socket's `_ping`). */
export async function chooseOrchestrator(
  choice: string,
  dockerAnswers: () => Promise<boolean> = () => pingDocker(),
): Promise<string> {
  if (choice !== 'auto') return choice;
  return (await dockerAnswers()) ? 'docker' : 'local';
}

export interface CreateOrchestratorOptions {
  readonly dataDir: string;
  /** Settings of a built-in orchestrator (`orchestratorConfig`); a loaded one has its own. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly context: (name: string) => PluginContext;
  readonly dockerAnswers?: () => Promise<boolean>;
}

/**
 * The orchestrator new runs use, created once through the host. Refuses an unknown name (the
 * message lists the known ones) and one that is not available.
 */
export async function createOrchestrator(
  host: PluginHost,
  choice: string,
  options: CreateOrchestratorOptions,
): Promise<Orchestrator> {
  const name = await chooseOrchestrator(choice, options.dockerAnswers);
  // Local jobs work in the data directory unless the operator says otherwise.
  const config =
    name === 'local'
      ? { rootDir: join(options.dataDir, 'workspaces'), ...options.config }
      : options.config;
  const orchestrator = await host.create('orchestrator', name, {
    config,
    context: options.context(name),
  });
  const availability = await orchestrator.isAvailable();
  if (!availability.available) {
    throw new UserError(
      ErrorCode.orchestratorUnavailable,
      `the ${name} orchestrator is not available: ${availability.reason ?? 'no reason given'}`,
    );
  }
  return orchestrator;
}
