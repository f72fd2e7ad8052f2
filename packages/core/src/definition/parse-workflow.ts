/** Entry point: YAML text in, normalised workflow plus every diagnostic out. */
import { LineCounter, isMap, parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import { DiagnosticCode, hasErrors } from './diagnostics.js';
import type { Diagnostic, Severity } from './diagnostics.js';
import { describeNode } from './fields.js';
import { ParseContext } from './parse-context.js';
import type { ParseOptions, ParseResult } from './parse-result.js';
import { findDuplicateKeys } from './duplicate-keys.js';
import { DEFAULT_INPUT_LIMITS, checkInputLimits } from './input-limits.js';
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

/** The 1-based position of `offset`, without a line index (used before the document is parsed). */
function positionInText(source: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Unknown-field warnings on a line that has a YAML syntax error are follow-ons of that error (a
 * mis-indented key lands in the wrong map): they mislead, so only the syntax error is kept.
 */
function dropFollowOns(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const broken = new Set(
    diagnostics.filter((d) => d.code === DiagnosticCode.yamlSyntax).map((d) => d.line),
  );
  if (broken.size === 0) return [...diagnostics];
  return diagnostics.filter((d) => d.code !== DiagnosticCode.unknownField || !broken.has(d.line));
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
 * Parses and validates a workflow file (docs/design.md §2: the original ContainerOps flow format plus
 * our additions) into the normalised {@link ParseResult}.
 *
 * - Never throws on bad input: every problem becomes a {@link Diagnostic} with a 1-based
 *   line/col and a stable {@link DiagnosticCode}; the walk goes on after each one (also after
 *   YAML syntax errors, on what the YAML parser recovered), so one call reports them all.
 * - `diagnostics` are sorted by line, then column. `workflow` is present iff none is an error.
 * - `sourceMap` maps paths (`stages[1].actions[0].jobs[2].pre`, `environments.CO_DATA`) to the
 *   position of each value; list indices are MODEL indices (empty `-` entries skipped).
 * - Bounded cost: the source's size, node count, keys per map and nesting depth are checked
 *   first ({@link DEFAULT_INPUT_LIMITS}); a file over a limit gets one `limit-*` error and is not
 *   parsed further. Everything after that check is linear in the input.
 * - Pure and synchronous; safe to call concurrently.
 */
export function parseWorkflow(source: string, options: ParseOptions = {}): ParseResult {
  const violation = checkInputLimits(source, options.limits ?? DEFAULT_INPUT_LIMITS);
  if (violation !== undefined) {
    const at = positionInText(source, violation.offset);
    return {
      diagnostics: [{ severity: 'error', code: violation.code, message: violation.message, ...at }],
      sourceMap: new Map(),
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    // The library's own check is quadratic in the keys of a map; ours (below) is linear.
    uniqueKeys: false,
  });
  const ctx = new ParseContext(doc, lineCounter, {
    source,
    ...(options.scriptChecker === undefined ? {} : { scriptChecker: options.scriptChecker }),
    ...(options.orchestrator === undefined ? {} : { orchestrator: options.orchestrator }),
    ...(options.readManifest === undefined ? {} : { readManifest: options.readManifest }),
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
  for (const duplicate of findDuplicateKeys(doc)) {
    ctx.error(
      DiagnosticCode.yamlSyntax,
      `duplicate key${duplicate.key === undefined ? '' : ` "${duplicate.key}"`}: keys of a map must be unique`,
      ctx.positionAt(duplicate.offset),
    );
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
    workflow = readWorkflow(
      ctx,
      root,
      options.receiverTypes === undefined ? undefined : new Set(options.receiverTypes),
    );
  }
  const diagnostics = finish(dropFollowOns(ctx.diagnostics));
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
