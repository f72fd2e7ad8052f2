/**
 * Errors carry a stable `code` (exposed by the API as `extensions.code`) and a class that says how
 * to handle them: a user mistake, an operational failure (retry or fix the environment), or a bug.
 */

export type ErrorKind = 'user' | 'operational' | 'unexpected';

export interface ContainerOpsErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class ContainerOpsError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: ContainerOpsErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** The user can fix it: bad input, bad workflow, missing permission. The message says how. */
export class UserError extends ContainerOpsError {
  constructor(code: string, message: string, options?: ContainerOpsErrorOptions) {
    super('user', code, message, options);
  }
}

/** The environment failed: engine unreachable, image missing, timeout. Retrying may help. */
export class OperationalError extends ContainerOpsError {
  constructor(code: string, message: string, options?: ContainerOpsErrorOptions) {
    super('operational', code, message, options);
  }
}

/** A bug: an invariant broke. */
export class UnexpectedError extends ContainerOpsError {
  constructor(code: string, message: string, options?: ContainerOpsErrorOptions) {
    super('unexpected', code, message, options);
  }
}

/** Stable error codes used across packages. Add, never rename. */
export const ErrorCode = {
  invalidWorkflow: 'INVALID_WORKFLOW',
  orchestratorUnavailable: 'ORCHESTRATOR_UNAVAILABLE',
  imageNotSupported: 'IMAGE_NOT_SUPPORTED',
  imageNotFound: 'IMAGE_NOT_FOUND',
  jobStartFailed: 'JOB_START_FAILED',
  jobNotFound: 'JOB_NOT_FOUND',
  runNotFound: 'RUN_NOT_FOUND',
  stageNotWaiting: 'STAGE_NOT_WAITING',
  secretNotFound: 'SECRET_NOT_FOUND',
  outputTooLarge: 'OUTPUT_TOO_LARGE',
  pluginIncompatible: 'PLUGIN_INCOMPATIBLE',
  pluginInvalid: 'PLUGIN_INVALID',
  rerunNotPossible: 'RERUN_NOT_POSSIBLE',
  invalidOutputFile: 'INVALID_OUTPUT_FILE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
