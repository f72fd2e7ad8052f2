import { ErrorCode, OrchestratorError } from '@containerops/sdk';

/** Codes this plugin adds to the shared ones (stable, exposed to users). */
export const DockerErrorCode = {
  /** The daemon answered with an error the orchestrator cannot map to a job outcome. */
  dockerApiError: 'DOCKER_API_ERROR',
  /** The daemon reported an error inside a log stream. */
  logStreamFailed: 'LOG_STREAM_FAILED',
} as const;

interface ModemError {
  readonly statusCode?: unknown;
  readonly json?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

/** HTTP status of a docker-modem error, when the daemon answered. */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as ModemError | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The daemon's own message (`{"message": ...}` body) or the error's message. */
export function dockerMessage(error: unknown): string {
  const json = (error as ModemError | null)?.json;
  if (typeof json === 'object' && json !== null) {
    const message = (json as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message.trim();
  }
  if (error instanceof Error) return error.message.trim();
  return String(error);
}

const CONNECTION_CODES = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** True when the daemon could not be reached at all (socket missing, refused, reset). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as ModemError | null)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code);
}

export function isNotFound(error: unknown): boolean {
  return dockerStatus(error) === 404;
}

/**
 * Wraps a failed Docker call into an {@link OrchestratorError}: `ORCHESTRATOR_UNAVAILABLE` when the
 * daemon is unreachable, otherwise `code` (default `DOCKER_API_ERROR`). `doing` says what was
 * attempted ("creating container co-x") and starts the message.
 */
export function toOrchestratorError(
  error: unknown,
  doing: string,
  endpoint: string,
  code: string = DockerErrorCode.dockerApiError,
): OrchestratorError {
  if (error instanceof OrchestratorError) return error;
  if (isConnectionError(error)) {
    return new OrchestratorError(
      ErrorCode.orchestratorUnavailable,
      `${doing}: no Docker engine answers at ${endpoint} (${dockerMessage(error)}); start one ` +
        '(scripts/docker/ensure-engine.sh) or point socketPath/DOCKER_HOST at it',
      'operational',
      { cause: error },
    );
  }
  const status = dockerStatus(error);
  return new OrchestratorError(code, `${doing}: ${dockerMessage(error)}`, 'operational', {
    cause: error,
    ...(status === undefined ? {} : { details: { status } }),
  });
}
