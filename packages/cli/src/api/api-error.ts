/**
 * Errors of the server client. Each carries a stable `code`: the server's own `extensions.code`
 * (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, INVALID_DEFINITION, ...) or one of the client's below,
 * and a message that says what to do.
 */
import { ContainerOpsError } from '@containerops/core';

/** Codes the client itself gives (the server's codes pass through unchanged). */
export const ClientErrorCode = {
  /** Nothing answered at the server URL (connection refused, unknown host, reset). */
  unreachable: 'SERVER_UNREACHABLE',
  /** Something answered, but not with GraphQL (a proxy page, another service). */
  badResponse: 'BAD_RESPONSE',
  /** The server refused the token (HTTP 401, WebSocket close 4401). */
  unauthenticated: 'UNAUTHENTICATED',
} as const;

/** A validation problem as the API reports it (`Diagnostic` of schema.graphql). */
export interface ApiDiagnostic {
  readonly severity: string;
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/**
 * A failed API call. `kind` is `operational` for transport failures (retrying may help) and
 * `user` for everything the server refused; `diagnostics` are set for INVALID_DEFINITION.
 */
export class ApiError extends ContainerOpsError {
  constructor(
    code: string,
    message: string,
    readonly diagnostics: readonly ApiDiagnostic[] = [],
    options: { readonly cause?: unknown } = {},
  ) {
    super(
      code === ClientErrorCode.unreachable || code === ClientErrorCode.badResponse
        ? 'operational'
        : 'user',
      code,
      message,
      options,
    );
  }
}

/** The error for a server URL that did not answer. */
export function unreachable(url: string, cause: unknown): ApiError {
  const detail = causeCode(cause) ?? innermostMessage(cause);
  return new ApiError(
    ClientErrorCode.unreachable,
    `cannot reach the ContainerOps server at ${url} (${detail}): is it running? ` +
      'Check --server or CONTAINEROPS_SERVER.',
    [],
    { cause },
  );
}

/** The error for a refused token. */
export function unauthenticated(url: string): ApiError {
  return new ApiError(
    ClientErrorCode.unauthenticated,
    `the server at ${url} refused the token (UNAUTHENTICATED): check --token or ` +
      'CONTAINEROPS_TOKEN (create one with `containerops token create`).',
  );
}

/** The error for one GraphQL error of a response, keeping its code and diagnostics. */
export function fromGraphqlError(error: {
  readonly message?: unknown;
  readonly extensions?: Readonly<Record<string, unknown>>;
}): ApiError {
  const code = typeof error.extensions?.['code'] === 'string' ? error.extensions['code'] : 'ERROR';
  const message = typeof error.message === 'string' ? error.message : 'the server refused';
  const diagnostics = Array.isArray(error.extensions?.['diagnostics'])
    ? (error.extensions['diagnostics'] as ApiDiagnostic[])
    : [];
  if (code === ClientErrorCode.unauthenticated) {
    return new ApiError(code, `${message} (${code}): check --token or CONTAINEROPS_TOKEN.`);
  }
  return new ApiError(code, `${message} (${code})`, diagnostics);
}

/** `ECONNREFUSED` and friends, from fetch's `TypeError('fetch failed', { cause })` or ws errors. */
function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string') return code;
    const errors = (e as { errors?: unknown } | null)?.errors;
    if (Array.isArray(errors) && errors.length > 0) {
      e = errors[0];
      continue;
    }
    e = (e as { cause?: unknown } | null)?.cause;
  }
  return undefined;
}

/** fetch says only "fetch failed"; the reason ("bad port", ...) is in its cause. */
function innermostMessage(error: unknown): string {
  let message = error instanceof Error ? error.message : String(error);
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    message = e.message;
    e = e.cause;
  }
  return message;
}
