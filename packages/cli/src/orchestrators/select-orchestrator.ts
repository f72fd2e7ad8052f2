/**
 * Picks the orchestrator `containerops run` uses from the plugin host (the server's list of
 * built-ins plus any `--plugin`): `--orchestrator NAME` names any orchestrator the host knows;
 * without it, the first `auto` built-in that is installed, available and able to run the workflow.
 */
import type { Orchestrator, WorkflowDefinition } from '@containerops/sdk';
import { ErrorCode, UserError } from '@containerops/sdk';
import { PLUGIN_NOT_FOUND } from '@containerops/sdk/host';
import type { PluginHost } from '@containerops/sdk/host';
import { UsageError } from '../usage.js';
import { workflowMisfit } from './workflow-fit.js';

/**
 * @throws UsageError for an unknown name (the message lists the known ones).
 * @throws UserError `ORCHESTRATOR_UNAVAILABLE` when the requested one is not installed or not
 *   available, or cannot run some job of `workflow` (an image-less job on a container backend,
 *   an image on one that runs no images), or when no default is; the message says why for each.
 */
export async function selectOrchestrator(
  host: PluginHost,
  requested: string | undefined,
  workflow?: WorkflowDefinition,
): Promise<Orchestrator> {
  const entries = host.entries('orchestrator');
  if (requested !== undefined) {
    if (!entries.some((e) => e.name === requested)) {
      throw new UsageError(
        `unknown orchestrator '${requested}'; known: ${entries.map((e) => e.name).join(', ')}`,
        'run',
      );
    }
    const { orchestrator, reason } = await probe(host, requested);
    if (orchestrator === undefined) {
      throw new UserError(
        ErrorCode.orchestratorUnavailable,
        `the ${requested} orchestrator ${reason}`,
      );
    }
    if (workflow !== undefined) checkWorkflowFit(orchestrator, workflow, requested);
    return orchestrator;
  }
  const reasons: string[] = [];
  let fallback: Orchestrator | undefined;
  for (const entry of entries.filter((e) => e.auto)) {
    const { orchestrator, reason } = await probe(host, entry.name);
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

/**
 * Refuses up front, rather than starting the run and failing each job ("has no image") one by one,
 * a workflow that `orchestrator` cannot run.
 * `name` is the one the user gave (a plugin's entry name), for the message.
 * @throws UserError `ORCHESTRATOR_UNAVAILABLE` naming the jobs and what would run them.
 */
export function checkWorkflowFit(
  orchestrator: Orchestrator,
  workflow: WorkflowDefinition,
  name = orchestrator.name,
): void {
  const misfit = workflowMisfit(orchestrator, workflow);
  if (misfit === undefined) return;
  const other = orchestrator.capabilities.images
    ? 'run it with --orchestrator local, or give those jobs an "endpoint" image'
    : 'run it on a container orchestrator (--orchestrator docker), or give those jobs a "command"';
  throw new UserError(
    ErrorCode.orchestratorUnavailable,
    `the ${name} orchestrator cannot run this workflow: it ${misfit}; ${other}`,
  );
}

async function probe(
  host: PluginHost,
  name: string,
): Promise<{ orchestrator?: Orchestrator; reason: string }> {
  let orchestrator: Orchestrator;
  try {
    orchestrator = await host.create('orchestrator', name);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UserError && error.code === PLUGIN_NOT_FOUND)
      return { reason: 'is not installed' };
    return { reason: `failed to load: ${message}` };
  }
  const availability = await orchestrator.isAvailable();
  if (!availability.available)
    return { reason: `is not available: ${availability.reason ?? 'no reason given'}` };
  return { orchestrator, reason: '' };
}
