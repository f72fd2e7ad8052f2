import { ContainerOpsError, ErrorCode } from '../errors.js';
import type { ContainerOpsErrorOptions, ErrorKind } from '../errors.js';

/**
 * Thrown by orchestrators for infrastructure failures. `kind` says whether the user can fix it
 * (`IMAGE_NOT_SUPPORTED`: use a container orchestrator) or it is operational (engine down).
 */
export class OrchestratorError extends ContainerOpsError {
  constructor(
    code: string,
    message: string,
    kind: ErrorKind = 'operational',
    options?: ContainerOpsErrorOptions,
  ) {
    super(kind, code, message, options);
  }

  static imageNotSupported(orchestrator: string, image: string): OrchestratorError {
    return new OrchestratorError(
      ErrorCode.imageNotSupported,
      `the ${orchestrator} orchestrator runs no images: job wants image "${image}" but has no ` +
        `\`command\`. Run it on a container orchestrator (one that runs images) or give the job a command.`,
      'user',
    );
  }
}
