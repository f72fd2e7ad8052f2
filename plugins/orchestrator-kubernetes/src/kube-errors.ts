/**
 * Errors of API calls: the HTTP status and the API server's `Status` message out of
 * `@kubernetes/client-node`'s exceptions, and their mapping to {@link OrchestratorError}.
 */
import { ErrorCode, OrchestratorError } from '@containerops/sdk';

/** The HTTP status of a failed call, or undefined for a transport error (no answer). */
export function kubeStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  return undefined;
}

/** The API server's message (`Status.message`), else the error's own. */
export function kubeMessage(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { body?: unknown; message?: unknown };
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      // Not JSON: fall back to the error's message.
    }
  }
  if (typeof body === 'object' && body !== null) {
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return typeof e.message === 'string' ? e.message : String(error);
}

export function isNotFound(error: unknown): boolean {
  return kubeStatus(error) === 404;
}

export function isConflict(error: unknown): boolean {
  return kubeStatus(error) === 409;
}

/**
 * An {@link OrchestratorError} for a failed call `what` against `server`: 401/403 are the
 * operator's to fix (credentials, RBAC) and say so; the rest is operational.
 */
export function toOrchestratorError(
  error: unknown,
  what: string,
  server: string,
): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  const status = kubeStatus(error);
  const message = kubeMessage(error);
  if (status === 401 || status === 403) {
    return new OrchestratorError(
      ErrorCode.orchestratorUnavailable,
      `${what}: the Kubernetes API at ${server} refused the call (${status}): ${message}. ` +
        'Check the kubeconfig credentials and that the Role grants what the kubernetes plugin README lists.',
      'user',
      { cause: error },
    );
  }
  return new OrchestratorError(
    status === undefined ? ErrorCode.orchestratorUnavailable : ErrorCode.jobStartFailed,
    `${what}: ${status === undefined ? `no answer from the Kubernetes API at ${server}` : `Kubernetes API error ${status}`}: ${message}`,
    'operational',
    { cause: error },
  );
}
