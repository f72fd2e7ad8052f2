/**
 * Resolves `component: ns/name@version` references of a parsed workflow against the repository:
 * the job gets the component's image, its default resources and timeout where the job sets
 * none, and its input defaults; an unknown component or a missing required input is an error
 * diagnostic at the job's `component` value.
 *
 * Lookups are always made as one caller (`ComponentLookupFor`): a component the caller may not
 * view is reported exactly like an unknown one, so a reference never reveals that it exists.
 */
import { applyComponentInputs, DiagnosticCode, LIBRARY_NAMESPACE } from '@containerops/core';
import type { Diagnostic, JobDefinition, SourceMap, WorkflowDefinition } from '@containerops/core';
import type { ComponentVersionRecord, Principal } from './contracts.js';

/** A version as one caller sees it: undefined when unknown OR not viewable by that caller. */
export type ComponentLookup = (
  namespace: string,
  name: string,
  version: string | undefined,
) => Promise<ComponentVersionRecord | undefined>;

/** The lookup of one caller (wired to `ComponentService.version`, which checks view rights). */
export type ComponentLookupFor = (p: Principal) => ComponentLookup;

export interface ReferenceRules {
  /**
   * Namespaces a stored or run workflow may take components from, given the workflow's own
   * organisation; absent: any namespace the lookup can see (validation only).
   */
  readonly usableNamespaces?: (workflowNamespace: string) => readonly string[];
}

/**
 * What `apply` and debug runs allow: `library`, the workflow's organisation and the caller's own
 * user namespace. A component of another organisation the caller merely views would otherwise be
 * baked into a workflow (image, input defaults) that the other organisation's members never see.
 */
export function runnableNamespaces(p: Principal): ReferenceRules {
  return {
    usableNamespaces: (workflowNamespace) => [LIBRARY_NAMESPACE, workflowNamespace, p.userName],
  };
}

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
  rules: ReferenceRules = {},
): Promise<ResolvedComponents> {
  const diagnostics: Diagnostic[] = [];
  const usable = rules.usableNamespaces?.(workflow.namespace);
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
        // Checked before the lookup, from the reference alone: the answer reveals nothing stored.
        if (ref !== undefined && usable !== undefined && !usable.includes(ref.namespace)) {
          report(
            `component "${job.component}" cannot be used here: a workflow of "${workflow.namespace}" ` +
              `takes components from ${usable.map((n) => `"${n}"`).join(', ')} only`,
          );
          jobs.push(job);
          continue;
        }
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
