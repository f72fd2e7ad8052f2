/**
 * The `$CO_OUTPUT` file: the output channel that log lines cannot forge (docs/design.md §3).
 */
import { ErrorCode, UserError } from '../errors.js';

const ENTRY = /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*(=|<<)(.*)$/s;

/**
 * Parses the contents of the `$CO_OUTPUT` file.
 *
 * ```
 * VERSION=1.2.3
 * NOTES<<EOF
 * line one
 * line two
 * EOF
 * ```
 * - `KEY=VALUE`: VALUE is everything after the first `=`, verbatim (not trimmed: the file is
 *   the exact channel; `KEY= x` gives `" x"`). Spaces around KEY are tolerated.
 * - `KEY<<DELIM` … `DELIM`: a multi-line value, the lines in between joined with `\n`. The
 *   closing line must equal DELIM exactly; DELIM is the trimmed text after `<<`, non-empty.
 * - Blank lines between entries are ignored; CRLF line ends are accepted.
 * - KEY matches `[A-Za-z_][A-Za-z0-9_.-]*`, as in `[COUT]` lines. A key given twice keeps its
 *   last value.
 *
 * @throws UserError `INVALID_OUTPUT_FILE` on a malformed line or an unterminated heredoc; the
 *   message names the 1-based line and what was expected.
 */
export function parseOutputFile(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split('\n');
  // A final newline ends the last line; it does not start an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = stripCr(lines[i] as string);
    if (line.trim() === '') continue;
    const m = ENTRY.exec(line);
    if (m === null) {
      throw invalid(
        i + 1,
        `expected KEY=VALUE or KEY<<DELIMITER (KEY: a letter or _, then letters, digits, _ . -), ` +
          `got ${JSON.stringify(preview(line))}`,
      );
    }
    const key = m[1] as string;
    if (m[2] === '=') {
      result[key] = m[3] as string;
      continue;
    }
    const delimiter = (m[3] as string).trim();
    if (delimiter === '') throw invalid(i + 1, `heredoc for "${key}" has no delimiter after "<<"`);
    const start = i;
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const bodyLine = stripCr(lines[i] as string);
      if (bodyLine === delimiter) {
        closed = true;
        break;
      }
      body.push(bodyLine);
    }
    if (!closed) {
      throw invalid(
        start + 1,
        `heredoc for "${key}" is never closed: add a line holding exactly ${JSON.stringify(delimiter)}`,
      );
    }
    result[key] = body.join('\n');
  }
  return result;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function preview(line: string): string {
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function invalid(line: number, message: string): UserError {
  return new UserError(ErrorCode.invalidOutputFile, `$CO_OUTPUT line ${line}: ${message}`, {
    details: { line },
  });
}
