/**
 * The formatting a user wrote their workflow YAML in, as `yaml` stringify options, so that writing
 * the edited Document back keeps it. The `yaml` library keeps styles per node (flow or block,
 * quoting, comments) but lays every node out with document-wide options: without these, a graph
 * edit would turn `outputs: [RESULT]` into `outputs: [ RESULT ]` or 4-space indents into 2, and
 * "Diff with saved" would show changes nobody made.
 */
import { isCollection, parse, visit } from 'yaml';
import type { Document, ToStringOptions } from 'yaml';

export type YamlFormat = Pick<ToStringOptions, 'flowCollectionPadding' | 'indent' | 'indentSeq'>;

const CONTENT_LINE = /^(\s*)(\S.*)$/;

/** Lines that carry YAML content (no blank or comment-only lines), with their indent. */
function contentLines(text: string): { indent: number; body: string }[] {
  const out: { indent: number; body: string }[] = [];
  for (const line of text.split('\n')) {
    const m = CONTENT_LINE.exec(line);
    if (m === null || m[2]!.startsWith('#')) continue;
    out.push({ indent: m[1]!.length, body: m[2]! });
  }
  return out;
}

/** Reads the formatting of `text` (which `doc` was parsed from). */
export function yamlFormatOf(text: string, doc: Document): YamlFormat {
  const format: YamlFormat = {};
  // Padding inside flow brackets: from the first non-empty flow collection.
  visit(doc, (_key, node) => {
    if (!isCollection(node) || !node.flow || node.range === undefined || node.range === null) {
      return undefined;
    }
    const inner = text[node.range[0] + 1];
    if (inner === ']' || inner === '}') return undefined;
    format.flowCollectionPadding = inner === ' ';
    return visit.BREAK;
  });
  // Indentation: from the first key that opens a block (a line ending in `:`) and its next line.
  const lines = contentLines(text);
  let seqSeen = false;
  let indentSeen = false;
  for (let i = 0; i + 1 < lines.length && !(seqSeen && indentSeen); i++) {
    const line = lines[i]!;
    const next = lines[i + 1]!;
    if (!/:\s*(#.*)?$/.test(line.body) || line.body.startsWith('- ')) continue;
    if (next.body.startsWith('- ') || next.body === '-') {
      if (!seqSeen) format.indentSeq = next.indent > line.indent;
      seqSeen = true;
    } else if (!indentSeen && next.indent > line.indent) {
      format.indent = next.indent - line.indent;
      indentSeen = true;
    }
  }
  return format;
}

/** A line with the spacing around flow punctuation removed (`[ A, B ]` and `[A,B]` agree). */
function spacingFree(line: string): string {
  return line.replace(/\s*([[\]{},])\s*/g, '$1').trimEnd();
}

/**
 * `written` with every line that differs from a line of `source` only in the spacing around flow
 * brackets and commas replaced by the source's line, so each flow collection keeps its own
 * spacing even when a file mixes `[RESULT]` and `{ type: start }`. Checked: when the result does
 * not read back as the same data as `written`, `written` is returned unchanged.
 */
export function keepSourceSpacing(source: string, written: string): string {
  const original = new Map<string, string>();
  for (const line of source.split('\n')) {
    const key = spacingFree(line);
    if (!original.has(key)) original.set(key, line);
  }
  let changed = false;
  const lines = written.split('\n').map((line) => {
    const kept = original.get(spacingFree(line));
    if (kept === undefined || kept === line) return line;
    changed = true;
    return kept;
  });
  if (!changed) return written;
  const result = lines.join('\n');
  try {
    const same =
      JSON.stringify(parse(result, { maxAliasCount: -1 })) ===
      JSON.stringify(parse(written, { maxAliasCount: -1 }));
    return same ? result : written;
  } catch {
    return written;
  }
}
