/**
 * `${{ expression }}` templates in values (secrets, inputs...). The parser only checks their
 * syntax and keeps them verbatim; the engine resolves them at run time.
 */

/** One `${{ a.b.c }}` reference found in a string. */
export interface TemplateReference {
  /** The whole `${{ ... }}` text. */
  readonly raw: string;
  /** The dotted path split into segments, e.g. `['secrets', 'NAME']`. */
  readonly segments: readonly string[];
  /** Offset of `$` in the string. */
  readonly start: number;
  /** Offset just after the closing `}}`. */
  readonly end: number;
}

export interface TemplateScan {
  readonly references: readonly TemplateReference[];
  /** Human-readable problems (unclosed `${{`, empty or malformed expression). */
  readonly errors: readonly string[];
}

const EXPRESSION = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)+$/;

/**
 * Finds every `${{ ... }}` in `text`. An expression must be a dotted path of at least two
 * segments (`secrets.NAME`, `inputs.branch`); anything else is reported in `errors`.
 * Pure; scans left to right.
 */
export function scanTemplates(text: string): TemplateScan {
  const references: TemplateReference[] = [];
  const errors: string[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${{', from);
    if (start < 0) break;
    const close = text.indexOf('}}', start + 3);
    if (close < 0) {
      errors.push(`unclosed "\${{" at offset ${start}: write \${{ secrets.NAME }}`);
      break;
    }
    const end = close + 2;
    const raw = text.slice(start, end);
    const expression = text.slice(start + 3, close).trim();
    if (EXPRESSION.test(expression)) {
      references.push({ raw, segments: expression.split('.'), start, end });
    } else {
      errors.push(`malformed template "${raw}": expected a dotted name like \${{ secrets.NAME }}`);
    }
    from = end;
  }
  return { references, errors };
}

/**
 * The roots a service job's call (`service.url`, `headers`, `body`) may reference:
 * `${{ inputs.KEY }}`, `${{ env.NAME }}`, `${{ links.NAME }}`, `${{ secrets.NAME }}`.
 */
export const SERVICE_TEMPLATE_ROOTS = ['inputs', 'env', 'links', 'secrets'] as const;
