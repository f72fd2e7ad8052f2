/**
 * Which image reference a job's service runs, without any registry lookup.
 *
 * The Docker CLI pins a service's image to its registry digest before creating it (unless
 * `--no-resolve-image`); the API does not, but the Swarm agent still tries to pull any image
 * referenced by name before it starts the task, and falls back to the local copy only after the
 * pull failed (a DNS lookup and a logged error per job where no registry is reachable). An image
 * referenced by its id (`sha256:...`) is never pulled. So under the `local` policy the image is
 * inspected on the engine this orchestrator talks to and the service runs its id; under
 * `registry` the reference is passed as is and every node pulls it.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, OrchestratorError } from '@containerops/sdk';
import { isNotFound, toOrchestratorError } from '@containerops/orchestrator-docker';

/**
 * `local`: images must already be on the engine (single node, or every node loaded alike); no
 * registry is contacted. `registry`: nodes pull the image by name (a multi-node swarm).
 */
export type SwarmImagePolicy = 'local' | 'registry';

export const swarmImagePolicies: readonly SwarmImagePolicy[] = ['local', 'registry'];

/**
 * The reference to put in the service spec.
 * @throws OrchestratorError `IMAGE_NOT_FOUND` (kind `user`) when the policy is `local` and the
 *   engine lacks the image; `ORCHESTRATOR_UNAVAILABLE` when the engine does not answer.
 */
export async function resolveServiceImage(
  docker: Dockerode,
  image: string,
  policy: SwarmImagePolicy,
  endpoint: string,
): Promise<string> {
  if (policy === 'registry') return image;
  try {
    const info = (await docker.getImage(image).inspect()) as { Id?: unknown };
    if (typeof info.Id !== 'string' || info.Id === '')
      throw new Error(`image "${image}" has no id`);
    return info.Id;
  } catch (error) {
    if (isNotFound(error)) {
      throw new OrchestratorError(
        ErrorCode.imageNotFound,
        `image "${image}" is not present on the Docker engine and the swarm orchestrator's imagePolicy ` +
          'is "local" (no registry is contacted): build or load it first (docker load, ' +
          'scripts/docker/build-base-images.sh), or use imagePolicy "registry" with an image every node can pull',
        'user',
        { details: { image, imagePolicy: policy } },
      );
    }
    throw toOrchestratorError(error, `inspecting image "${image}"`, endpoint);
  }
}
