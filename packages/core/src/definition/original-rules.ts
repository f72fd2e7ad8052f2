/**
 * Whole-file checks that apply to original-format files only (see `original-format.ts`): repeated
 * action names, and variables whose value depends on which `environments` wins.
 */
import type { LinkSite } from './action-parser.js';
import { DiagnosticCode } from './diagnostics.js';
import type { StageDefinition } from './model.js';
import type { ParseContext } from './parse-context.js';
import type { StageDraft } from './stage-parser.js';

/**
 * A renamed action (original-format files repeat action names) is fine while nothing links to
 * it by name: then it gets a `duplicate-name-renamed` warning and runs under its generated name.
 * When a data link names the repeated action, it would be ambiguous: `duplicate-name` error.
 */
export function checkRenamedActions(
  ctx: ParseContext,
  drafts: readonly StageDraft[],
  sites: readonly LinkSite[],
): void {
  const linked = new Set(
    sites.map((site) => `${site.link.key.stage}\u0000${site.link.key.action}`),
  );
  for (const draft of drafts) {
    const stage = draft.explicitName;
    for (const action of draft.renamed) {
      if (action.pos === undefined) continue;
      const scope = stage === undefined ? 'a stage' : `stage "${stage}"`;
      if (stage !== undefined && linked.has(`${stage}\u0000${action.written}`)) {
        ctx.error(
          DiagnosticCode.duplicateName,
          `action name "${action.written}" is used twice in ${scope}, and a data link names "${stage}.${action.written}": give each action its own name`,
          action.pos,
          action.path,
        );
      } else {
        ctx.warning(
          DiagnosticCode.duplicateNameRenamed,
          `action name "${action.written}" is used twice in ${scope}; this one runs as "${action.generated}" (generated name)`,
          action.pos,
          action.path,
        );
      }
    }
  }
}

/**
 * The original engine let the workflow's `environments` override a job's; this engine lets the
 * job's win (docs/environment.md). Warns at each job variable whose value that difference changes.
 */
export function warnEnvPrecedence(
  ctx: ParseContext,
  workflowEnv: Readonly<Record<string, string>>,
  stages: readonly (StageDefinition | undefined)[],
): void {
  stages.forEach((stage, s) => {
    stage?.actions.forEach((action, a) => {
      action.jobs.forEach((job, j) => {
        for (const [name, value] of Object.entries(job.env)) {
          if (!Object.hasOwn(workflowEnv, name) || workflowEnv[name] === value) continue;
          const path = `stages[${s}].actions[${a}].jobs[${j}].environments.${name}`;
          const pos = ctx.sourceMap.get(path);
          if (pos === undefined) continue;
          ctx.warning(
            DiagnosticCode.envPrecedence,
            `"${name}" is set in the workflow's and this job's environments: the job's value is used here; the original ContainerOps used the workflow's`,
            pos,
            path,
          );
        }
      });
    });
  });
}
