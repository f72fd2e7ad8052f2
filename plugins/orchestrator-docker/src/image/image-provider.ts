import type Dockerode from 'dockerode';
import { ErrorCode, OrchestratorError } from '@containerops/sdk';
import {
  dockerMessage,
  isConnectionError,
  isNotFound,
  toOrchestratorError,
} from '../docker-errors.js';
import { credentialsFor, splitImageReference } from './image-ref.js';
import type { RegistryCredentials } from './image-ref.js';

/**
 * When to pull a job's image: `if-not-present` (default) pulls only images the engine lacks,
 * `always` pulls before every start (a failed pull fails the start even if a local copy exists,
 * like Kubernetes' `Always`), `never` only uses local images.
 */
export type PullPolicy = 'if-not-present' | 'always' | 'never';

export const pullPolicies: readonly PullPolicy[] = ['if-not-present', 'always', 'never'];

/**
 * Makes images available according to a pull policy. Concurrent calls for the same image share
 * one pull. Throws `IMAGE_NOT_FOUND` (naming the image and the policy) when the image cannot be
 * had, `ORCHESTRATOR_UNAVAILABLE` when the daemon does not answer.
 *
 * Under `if-not-present` and `never` an image found once is remembered for the life of the
 * provider, so a job's start costs no image round trip; the caller must {@link forget} it when
 * Docker reports it missing (a create answered 404 after a `docker rmi`) and ensure again.
 */
export class ImageProvider {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly present = new Set<string>();

  constructor(
    private readonly docker: Dockerode,
    private readonly policy: PullPolicy,
    private readonly auth: Readonly<Record<string, RegistryCredentials>> | undefined,
    private readonly endpoint: string,
  ) {}

  async ensure(image: string): Promise<void> {
    if (this.policy !== 'always' && this.present.has(image)) return;
    if (this.policy !== 'always' && (await this.isPresent(image))) {
      this.present.add(image);
      return;
    }
    if (this.policy === 'never') {
      throw new OrchestratorError(
        ErrorCode.imageNotFound,
        `image "${image}" is not present on the Docker engine and pullPolicy is "never": ` +
          'build or load it first, or use pullPolicy "if-not-present"',
        'user',
        { details: { image, pullPolicy: this.policy } },
      );
    }
    let pull = this.inFlight.get(image);
    if (pull === undefined) {
      pull = this.pull(image).finally(() => this.inFlight.delete(image));
      this.inFlight.set(image, pull);
    }
    await pull;
    if (this.policy !== 'always') this.present.add(image);
  }

  /** Drops what {@link ensure} remembered about `image` (Docker said it is missing). */
  forget(image: string): void {
    this.present.delete(image);
  }

  private async isPresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw toOrchestratorError(error, `inspecting image "${image}"`, this.endpoint);
    }
  }

  private async pull(image: string): Promise<void> {
    const { repository, tag } = splitImageReference(image);
    const found = credentialsFor(image, this.auth);
    const authconfig =
      found === undefined
        ? undefined
        : {
            username: found.credentials.username,
            password: found.credentials.password,
            serveraddress: found.registry,
          };
    let failure: string | undefined;
    try {
      const stream = await this.docker.createImage(authconfig ?? {}, {
        fromImage: repository,
        tag,
      });
      failure = await pullStreamError(stream);
    } catch (error) {
      if (isConnectionError(error))
        throw toOrchestratorError(error, `pulling image "${image}"`, this.endpoint);
      failure = dockerMessage(error);
    }
    if (failure !== undefined) {
      throw new OrchestratorError(
        ErrorCode.imageNotFound,
        `image "${image}" could not be pulled (pullPolicy "${this.policy}"): ${failure}` +
          (this.policy === 'always' ? '' : '; it is not present on the Docker engine either'),
        'operational',
        { details: { image, pullPolicy: this.policy } },
      );
    }
  }
}

/**
 * Reads a pull's JSON-lines progress stream to its end; returns the first error it reports
 * (the daemon answers 200 and reports a failed pull inside the stream), or undefined.
 */
async function pullStreamError(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  let rest = '';
  let failure: string | undefined;
  const scan = (line: string): void => {
    if (failure !== undefined || line.trim() === '') return;
    try {
      const event = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      const message = event.errorDetail?.message ?? event.error;
      if (typeof message === 'string' && message !== '') failure = message;
    } catch {
      // Progress lines are JSON; anything else is not an error report.
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const lines = (rest + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'))).split('\n');
    rest = lines.pop() ?? '';
    lines.forEach(scan);
  }
  scan(rest);
  return failure;
}
