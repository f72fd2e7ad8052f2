/**
 * Validation-time check of `pre`/`post` hook scripts through the caller's {@link ScriptChecker},
 * with the problem's position mapped from the script back into the YAML file.
 */
import { isScalar, Scalar } from 'yaml';
import { DiagnosticCode } from './diagnostics.js';
import type { Position } from './diagnostics.js';
import type { Field } from './fields.js';
import type { ParseContext } from './parse-context.js';
import type { HookKind, ScriptProblem } from './parse-result.js';

/**
 * Runs the context's script checker on one hook (nothing without a checker) and reports a
 * problem as a `lua-syntax` error. Where it points:
 * - block scalars (`pre: |`): script line N is the N-th line after the key's line, and the
 *   column is shifted by the block's indentation (for folded `>` blocks only approximately, since
 *   folding joins lines);
 * - single-line plain scalars and quoted ones without escapes: the key's line, at the column of
 *   the script's character;
 * - anything else (multi-line flow scalars, escapes): where the value starts.
 * A problem past the script's last line (Lua's `near <eof>` after a final newline) points just
 * after the last line.
 */
export function checkHookScript(
  ctx: ParseContext,
  field: Field | undefined,
  script: string | undefined,
  kind: HookKind,
): void {
  const checker = ctx.scriptChecker;
  if (checker === undefined || field === undefined || script === undefined) return;
  let problem: ScriptProblem | undefined;
  try {
    problem = checker(script, kind);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problem = { line: 1, message: `the script checker failed: ${message}` };
  }
  if (problem === undefined) return;
  const at = mapPosition(ctx, field, script, clampToScript(script, problem));
  ctx.error(DiagnosticCode.luaSyntax, `${kind} hook: ${problem.message}`, at, field.path);
}

/** Moves a position past the last line (after a trailing newline) to the end of the last line. */
function clampToScript(script: string, problem: ScriptProblem): ScriptProblem {
  const lines = script.split('\n');
  const count = script.endsWith('\n') ? lines.length - 1 : lines.length;
  if (problem.line <= count || count === 0) return problem;
  return { ...problem, line: count, col: (lines[count - 1] ?? '').length + 1 };
}

function mapPosition(
  ctx: ParseContext,
  field: Field,
  script: string,
  problem: ScriptProblem,
): Position {
  const node = field.node;
  const source = ctx.source;
  const start = node?.range?.[0];
  if (source === undefined || node === null || !isScalar(node) || start === undefined) {
    return field.pos;
  }
  const valuePos = ctx.positionAt(start);
  const type = node.type;
  if (type === Scalar.BLOCK_LITERAL || type === Scalar.BLOCK_FOLDED) {
    const indent = blockIndent(source, start);
    return {
      line: valuePos.line + problem.line,
      col: indent + (problem.col ?? 1),
    };
  }
  if (problem.line !== 1 || problem.col === undefined || script.includes('\n')) return valuePos;
  const end = node.range?.[1] ?? start;
  const raw = source.slice(start, end);
  if (type === Scalar.PLAIN && raw === script) {
    return { line: valuePos.line, col: valuePos.col + problem.col - 1 };
  }
  const quoted = type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE;
  if (quoted && raw.slice(1, -1) === script) {
    return { line: valuePos.line, col: valuePos.col + problem.col };
  }
  return valuePos;
}

/** Spaces before the first non-blank content line of the block scalar whose header is at `header`. */
function blockIndent(source: string, header: number): number {
  let i = source.indexOf('\n', header);
  while (i >= 0 && i < source.length) {
    const next = source.indexOf('\n', i + 1);
    const line = source.slice(i + 1, next < 0 ? source.length : next);
    if (line.trim() !== '') return line.length - line.trimStart().length;
    if (next < 0) break;
    i = next;
  }
  return 0;
}
