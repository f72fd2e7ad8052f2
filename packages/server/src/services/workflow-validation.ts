/**
 * Parses and validates a workflow for the server: core's parser on a worker thread of the parse
 * pool (parsing/: off the event loop, with a time limit; inline Lua hooks are checked there), then
 * component references resolved against the repository. Every problem is a diagnostic with line
 * and column; a parse the pool refuses or gives up rejects with SERVER_BUSY or
 * WORKFLOW_PARSE_TIMEOUT.
 */
import { hasErrors, sortDiagnostics } from '@containerops/core';
import type { Diagnostic, WorkflowDefinition } from '@containerops/core';
import { sharedParsePool } from '../parsing/parse-pool.js';
import type { WorkflowParsePool } from '../parsing/parse-pool.js';
import { resolveComponentReferences } from './component-references.js';
import type { ComponentLookup, ReferenceRules } from './component-references.js';

export interface WorkflowValidation {
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly model?: WorkflowDefinition;
}

export async function validateWorkflowSource(
  yaml: string,
  lookup: ComponentLookup,
  rules: ReferenceRules = {},
  pool: Pick<WorkflowParsePool, 'parse'> = sharedParsePool(),
): Promise<WorkflowValidation> {
  const parsed = await pool.parse(yaml, 'workflow.yaml');
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
