import type { ApiDiagnostic } from './api-error.js';

/**
 * A diagnostic from the API in the compiler style of `containerops validate`
 * (`file:line:col: severity code: message`), so editors and CI annotate it.
 */
export function formatApiDiagnostic(file: string, d: ApiDiagnostic): string {
  return `${file}:${d.line}:${d.col}: ${d.severity.toLowerCase()} ${d.code}: ${d.message}`;
}

/** Counts for a summary line. */
export function countSeverities(diagnostics: readonly ApiDiagnostic[]): {
  errors: number;
  warnings: number;
} {
  const errors = diagnostics.filter((d) => d.severity.toLowerCase() === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}
