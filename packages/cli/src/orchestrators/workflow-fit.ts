/**
 * Whether an orchestrator can run every job of a workflow: container backends need an image (or,
 * on one that applies them, a `kubectl` manifest, which names its own), the `local` backend (no
 * `images` capability) needs a `command`. Used to pick the default
 * orchestrator, so a workflow of shell commands runs locally even where Docker is available.
 */
import type { Orchestrator, WorkflowDefinition } from '@containerops/sdk';
import { jobPath } from '@containerops/sdk';

/** Why `orchestrator` cannot run some job of `workflow`, or undefined when it can run them all. */
export function workflowMisfit(
  orchestrator: Orchestrator,
  workflow: WorkflowDefinition,
): string | undefined {
  const images = orchestrator.capabilities.images;
  const manifests = orchestrator.capabilities.jobOptions?.includes('kubectl') ?? false;
  const misfits: string[] = [];
  for (const stage of workflow.stages) {
    if (!stage.active) continue;
    for (const action of stage.actions) {
      if (!action.active) continue;
      for (const job of action.jobs) {
        if (!job.active || job.type !== 'component') continue;
        const runnable = images
          ? job.image !== undefined ||
            job.component !== undefined ||
            (manifests && job.kubectl !== undefined)
          : job.command !== undefined;
        if (!runnable) misfits.push(jobPath(stage.name, action.name, job.name));
      }
    }
  }
  if (misfits.length === 0) return undefined;
  const shown = misfits.length > 3 ? `${misfits.slice(0, 3).join(', ')}, …` : misfits.join(', ');
  return images
    ? `needs an image for every job (not: ${shown})`
    : `runs only jobs with a command (not: ${shown})`;
}
