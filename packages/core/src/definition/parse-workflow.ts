/** Entry point: YAML text in, normalised workflow plus every diagnostic out. */
import { LineCounter, isMap, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { DiagnosticCode, hasErrors } from './diagnostics.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import { describeNode } from './fields.js';
import { ParseContext } from './parse-context.js';
import type { ParseOptions, ParseResult } from './parse-result.js';
import { readWorkflow } from './workflow-parser.js';

function yamlMessage(source: string, error: YAMLError): string {
  if (error.code === 'DUPLICATE_KEY') {
    // The error's range covers only the key's first character; read the key up to its colon.
    const key =
      /^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(source.slice(error.pos[0]))?.[1]?.trim() ?? '';
    return `duplicate key${key === '' ? '' : ` "${key}"`}: keys of a map must be unique`;
  }
  return error.message.split('\n')[0] ?? error.message;
}

function sortKey(d: Diagnostic): string {
  return `${d.line}:${d.col}:${d.severity}:${d.code}:${d.message}`;
}

/** Sorted by line then column (stable otherwise); exact repeats (via YAML aliases) removed. */
function finish(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics
    .filter((d) => {
      const key = sortKey(d);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((d, index) => ({ d, index }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.index - b.index)
    .map(({ d }) => d);
}

/**
 * Parses and validates a workflow file (DESIGN.md §2: the original ContainerOps flow format plus
 * our additions) into the normalised {@link ParseResult}.
 *
 * - Never throws on bad input: every problem becomes a {@link Diagnostic} with a 1-based
 *   line/col and a stable {@link DiagnosticCode}; the walk goes on after each one (also after
 *   YAML syntax errors, on what the YAML parser recovered), so one call reports them all.
 * - `diagnostics` are sorted by line, then column. `workflow` is present iff none is an error.
 * - `sourceMap` maps paths (`stages[1].actions[0].jobs[2].pre`, `environments.CO_DATA`) to the
 *   position of each value; list indices are MODEL indices (empty `-` entries skipped).
 * - Pure and synchronous; safe to call concurrently.
 */
export function parseWorkflow(source: string, options: ParseOptions = {}): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const ctx = new ParseContext(doc, lineCounter, {
    source,
    ...(options.scriptChecker === undefined ? {} : { scriptChecker: options.scriptChecker }),
  });
  const yamlProblems: [Severity, readonly YAMLError[]][] = [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ];
  for (const [severity, problems] of yamlProblems) {
    for (const problem of problems) {
      ctx.report(
        severity,
        DiagnosticCode.yamlSyntax,
        yamlMessage(source, problem),
        ctx.positionAt(problem.pos[0]),
      );
    }
  }
  const root = ctx.resolve(doc.contents);
  let workflow: ReturnType<typeof readWorkflow>;
  if (root === null) {
    const file = options.fileName ?? 'the workflow file';
    ctx.error(
      DiagnosticCode.missingField,
      `${file} is empty: it needs at least "uri" and "stages"`,
      { line: 1, col: 1 },
    );
  } else if (!isMap(root)) {
    ctx.error(
      DiagnosticCode.wrongType,
      `a workflow file must be a map of fields, got ${describeNode(root)}`,
      ctx.positionOf(root, { line: 1, col: 1 }),
    );
  } else {
    workflow = readWorkflow(ctx, root);
  }
  const diagnostics = finish(ctx.diagnostics);
  return {
    ...(workflow === undefined || hasErrors(diagnostics) ? {} : { workflow }),
    diagnostics,
    sourceMap: ctx.sourceMap,
  };
}

/**
 * Shared with the component.yaml parser (`component/parse-component.ts`), so both files report
 * YAML errors and order diagnostics alike: `sortDiagnostics` sorts by line then column and drops
 * exact repeats; `describeYamlError` words one error of the yaml library.
 */
export { finish as sortDiagnostics, yamlMessage as describeYamlError };
