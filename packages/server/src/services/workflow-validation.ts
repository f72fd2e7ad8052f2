/**
 * Parses and validates a workflow for the server: core's parser (with inline Lua hooks compiled by
 * `@containerops/hook-lua`, loaded only when the file has hooks), then component references
 * resolved against the repository. Every problem is a diagnostic with line and column.
 */
import { hasErrors, parseWorkflow, sortDiagnostics } from '@containerops/core';
import type { Diagnostic, ScriptChecker, WorkflowDefinition } from '@containerops/core';
import { resolveComponentReferences } from './component-references.js';
import type { ComponentLookup, ReferenceRules } from './component-references.js';

const HOOK_FIELD = /^[\s-]*(?:pre|post)\s*:/m;

export interface WorkflowValidation {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly model?: WorkflowDefinition;
}

async function luaChecker(source: string): Promise<ScriptChecker | undefined> {
  if (!HOOK_FIELD.test(source)) return undefined;
  const lua = await import('@containerops/hook-lua');
  return (script) => {
    let file: string | undefined;
    try {
      file = lua.scriptPathOf(script);
    } catch (error) {
      return { line: 1, message: (error as Error).message };
    }
    if (file !== undefined) {
      return {
        line: 1,
        message: `hook script files (${file}) cannot be read by the server: put the Lua inline`,
      };
    }
    return lua.checkLuaSyntax(script);
  };
}

export async function validateWorkflowSource(
  yaml: string,
  lookup: ComponentLookup,
  rules: ReferenceRules = {},
): Promise<WorkflowValidation> {
  const checker = await luaChecker(yaml);
  const parsed = parseWorkflow(yaml, {
    fileName: 'workflow.yaml',
    ...(checker === undefined ? {} : { scriptChecker: checker }),
  });
  if (parsed.workflow === undefined) return { ok: false, diagnostics: parsed.diagnostics };
  const resolved = await resolveComponentReferences(
    parsed.workflow,
    parsed.sourceMap,
    lookup,
    rules,
  );
  const diagnostics = sortDiagnostics([...parsed.diagnostics, ...resolved.diagnostics]);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  return { ok: true, diagnostics, model: resolved.workflow };
}
