/**
 * Resolves `component: ns/name@version` references of a parsed workflow against the repository:
 * the job gets the component's image, its default resources and timeout where the job sets
 * none, and its input defaults; an unknown component or a missing required input is an error
 * diagnostic at the job's `component` value.
 */
import { applyComponentInputs, DiagnosticCode } from '@containerops/core';
import type { Diagnostic, JobDefinition, SourceMap, WorkflowDefinition } from '@containerops/core';
import type { ComponentVersionRecord } from './contracts.js';

export type ComponentLookup = (
  namespace: string,
  name: string,
  version: string | undefined,
) => Promise<ComponentVersionRecord | undefined>;

export interface ResolvedComponents {
  readonly workflow: WorkflowDefinition;
  readonly diagnostics: readonly Diagnostic[];
}

/** Splits `ns/name@version` (version optional). */
export function parseComponentRef(
  ref: string,
): { namespace: string; name: string; version?: string } | undefined {
  const m = /^([^/@\s]+)\/([^/@\s]+)(?:@(\S+))?$/.exec(ref);
  if (m === null) return undefined;
  return {
    namespace: m[1] as string,
    name: m[2] as string,
    ...(m[3] === undefined ? {} : { version: m[3] }),
  };
}

export async function resolveComponentReferences(
  workflow: WorkflowDefinition,
  sourceMap: SourceMap,
  lookup: ComponentLookup,
): Promise<ResolvedComponents> {
  const diagnostics: Diagnostic[] = [];
  const stages = [];
  for (const [s, stage] of workflow.stages.entries()) {
    const actions = [];
    for (const [a, action] of stage.actions.entries()) {
      const jobs: JobDefinition[] = [];
      for (const [j, job] of action.jobs.entries()) {
        if (job.component === undefined) {
          jobs.push(job);
          continue;
        }
        const path = `stages[${s}].actions[${a}].jobs[${j}].component`;
        const at = sourceMap.get(path) ??
          sourceMap.get(`stages[${s}].actions[${a}].jobs[${j}]`) ?? { line: 1, col: 1 };
        const report = (message: string, severity: Diagnostic['severity'] = 'error'): void => {
          diagnostics.push({
            severity,
            code: DiagnosticCode.invalidValue,
            message,
            line: at.line,
            col: at.col,
            path,
          });
        };
        const ref = parseComponentRef(job.component);
        const found =
          ref === undefined ? undefined : await lookup(ref.namespace, ref.name, ref.version);
        if (ref === undefined || found === undefined) {
          report(
            `unknown component "${job.component}": publish it first or fix the reference (namespace/name@version)`,
          );
          jobs.push(job);
          continue;
        }
        if (found.deprecated) {
          report(
            `component ${job.component} is deprecated${found.deprecationMessage === undefined ? '' : `: ${found.deprecationMessage}`}`,
            'warning',
          );
        }
        const def = found.definition;
        const applied = applyComponentInputs(def, job.inputs);
        if (applied.missing.length > 0) {
          report(`component ${def.name}@${def.version} needs input ${applied.missing.join(', ')}`);
        }
        const timeoutMs = job.timeoutMs ?? def.timeoutMs;
        jobs.push({
          ...job,
          image: job.image ?? def.image,
          resources: { ...def.resources, ...job.resources },
          inputs: applied.inputs,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
        });
      }
      actions.push({ ...action, jobs });
    }
    stages.push({ ...stage, actions });
  }
  return { workflow: { ...workflow, stages }, diagnostics };
}
