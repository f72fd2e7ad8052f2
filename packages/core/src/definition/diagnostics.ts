/**
 * Diagnostics: every problem found in a workflow file, with a stable code and a 1-based position,
 * printed like a compiler (`file:line:col: code: message`).
 */

export type Severity = 'error' | 'warning';

/**
 * Stable diagnostic codes. Tools, the API and tests match on these; never rename one, only add.
 */
export const DiagnosticCode = {
  yamlSyntax: 'yaml-syntax',
  unknownField: 'unknown-field',
  wrongType: 'wrong-type',
  missingField: 'missing-field',
  invalidValue: 'invalid-value',
  invalidUri: 'invalid-uri',
  unknownStageType: 'unknown-stage-type',
  unknownSequencing: 'unknown-sequencing',
  unknownJobType: 'unknown-job-type',
  duplicateName: 'duplicate-name',
  invalidDuration: 'invalid-duration',
  invalidQuantity: 'invalid-quantity',
  missingImage: 'missing-image',
  subscriptionSyntax: 'subscription-syntax',
  subscriptionUnknownJob: 'subscription-unknown-job',
  subscriptionNotEarlier: 'subscription-not-earlier',
  subscriptionUndeclaredOutput: 'subscription-undeclared-output',
  eventConflict: 'event-conflict',
  invalidEnvName: 'invalid-env-name',
  secretInFile: 'secret-in-file',
  luaSyntax: 'lua-syntax',
  kubectlIgnored: 'kubectl-ignored',
  /** Error: a job with `kubectl` and no image, validated for an orchestrator that does not apply manifests. */
  kubectlUnsupported: 'kubectl-unsupported',
  emptyStage: 'empty-stage',
  /** Warning: an action whose `jobs` list is empty (it does nothing). */
  emptyAction: 'empty-action',
  /** Error: the file is longer than the parser accepts (checked before parsing). */
  limitSourceSize: 'limit-source-size',
  /** Error: the file has more YAML nodes than the parser accepts. */
  limitNodes: 'limit-nodes',
  /** Error: one map has more keys than the parser accepts. */
  limitKeys: 'limit-keys',
  /** Error: collections are nested deeper than the parser accepts. */
  limitDepth: 'limit-depth',
  /**
   * Warning: two actions of one stage share a name in an original-format file; the later one
   * runs under a generated name (the original engine ran actions by position).
   */
  duplicateNameRenamed: 'duplicate-name-renamed',
  /** Warning: the file asks for notifications that no installed notifier plugin handles. */
  unhandledReceiver: 'unhandled-receiver',
  /**
   * Warning: an original-format file sets one variable in the workflow's and a job's
   * `environments`; the original engine let the workflow's value win, this engine the job's.
   */
  envPrecedence: 'env-precedence',
  /** Error: a `matrix:` or `fan-out:` block that cannot be run (empty axes, unknown axis...). */
  fanOutInvalid: 'fan-out-invalid',
  /** Error: a static matrix with more combinations than {@link MAX_FAN_OUT_INSTANCES}. */
  fanOutTooLarge: 'fan-out-too-large',
  /** Error: a data link that cannot resolve because of a fan-out (a single instance, a bad list). */
  fanOutLink: 'fan-out-link',
} as const;

export type DiagnosticCode = (typeof DiagnosticCode)[keyof typeof DiagnosticCode];

/** A 1-based line and column in the source file. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly line: number;
  readonly col: number;
  /** Where in the document, e.g. `stages[1].actions[0].jobs[2].timeout`. */
  readonly path?: string;
}

/** Formats a diagnostic the way compilers do, so editors and CI annotate it. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
