/**
 * The Docker objects of jobs and runs: creating a job's container (replacing a stale one),
 * listing managed containers, removing containers and volumes idempotently.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, JobLabel, OrchestratorError } from '@containerops/sdk';
import type { ReattachSelector } from '@containerops/sdk';
import { OUTPUT_ROLE, ROLE_LABEL } from './output/output-volume-pool.js';
import { dockerMessage, dockerStatus, isNotFound, toOrchestratorError } from './docker-errors.js';

/**
 * True for a container id or name. Anything else (notably the empty backend id of a job that
 * never started) must not reach a request path: `/containers//json` is answered with a redirect
 * that the HTTP client would follow to a host named "containers".
 */
export function isContainerRef(id: string): boolean {
  return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(id);
}

/**
 * True when Docker no longer has the container or is removing it (`docker rm -f` from outside):
 * what a broken log stream of it means then is "removed", not "log failure". False when it is
 * there or the daemon does not answer.
 */
export async function isContainerGone(container: Dockerode.Container): Promise<boolean> {
  try {
    const info = await container.inspect();
    return info.State.Status === 'removing' || info.State.Status === 'dead';
  } catch (error) {
    return isNotFound(error);
  }
}

/** Managed containers (any state) matching the selector's run id and labels. */
export async function listJobContainers(
  docker: Dockerode,
  selector: ReattachSelector,
  endpoint: string,
): Promise<Dockerode.ContainerInfo[]> {
  const labels = [`${JobLabel.managed}=true`];
  if (selector.runId !== undefined) labels.push(`${JobLabel.runId}=${selector.runId}`);
  for (const [key, value] of Object.entries(selector.labels ?? {})) labels.push(`${key}=${value}`);
  try {
    return await docker.listContainers({ all: true, filters: { label: labels } });
  } catch (error) {
    throw toOrchestratorError(error, 'listing job containers', endpoint);
  }
}

/**
 * Creates a job's container. A leftover of the same name (a start that crashed half-way, or a
 * previous test run) is replaced when it is not running, refused when it is. When Docker says
 * the image is missing, `ensureImage` (apply the pull policy again; it throws IMAGE_NOT_FOUND
 * itself when the image cannot be had) is awaited once and the create retried.
 * @throws OrchestratorError `JOB_START_FAILED`, or `IMAGE_NOT_FOUND` when the image is missing
 *   (again) at the create.
 */
export async function createJobContainer(
  docker: Dockerode,
  create: Dockerode.ContainerCreateOptions,
  image: string,
  endpoint: string,
  ensureImage?: () => Promise<void>,
): Promise<Dockerode.Container> {
  const name = create.name ?? '';
  let imageEnsured = ensureImage === undefined;
  let replaced = false;
  for (;;) {
    try {
      return await docker.createContainer(create);
    } catch (error) {
      const status = dockerStatus(error);
      if (status === 404 && /image/i.test(dockerMessage(error)) && !imageEnsured) {
        imageEnsured = true;
        await ensureImage?.();
        continue;
      }
      if (status === 409 && !replaced) {
        replaced = true;
        const info = await docker
          .getContainer(name)
          .inspect()
          .catch(() => undefined);
        if (info?.State.Running === true) {
          throw new OrchestratorError(
            ErrorCode.jobStartFailed,
            `container ${name} is already running (job started twice?)`,
          );
        }
        await removeContainer(docker, endpoint, name, name);
        continue;
      }
      if (status === 404 && /image/i.test(dockerMessage(error))) {
        throw new OrchestratorError(
          ErrorCode.imageNotFound,
          `image "${image}" vanished before its container was created: ${dockerMessage(error)}`,
          'operational',
          { cause: error },
        );
      }
      throw toOrchestratorError(
        error,
        `creating container ${name} (image "${image}")`,
        endpoint,
        ErrorCode.jobStartFailed,
      );
    }
  }
}

/** Force-removes a container and its anonymous volumes; gone or being removed is fine. */
export async function removeContainer(
  docker: Dockerode,
  endpoint: string,
  idOrName: string,
  what: string,
): Promise<void> {
  try {
    await docker.getContainer(idOrName).remove({ force: true, v: true });
  } catch (error) {
    const status = dockerStatus(error);
    // 404: already gone; 409: "removal already in progress".
    if (status === 404 || status === 409) return;
    throw toOrchestratorError(error, `removing container ${what}`, endpoint);
  }
}

/**
 * Removes what is left of run `runId`: its containers (jobs and seeding helpers, any state),
 * then its pooled output volumes, then `workspaceVolume` when given. Idempotent.
 */
export async function removeRunObjects(
  docker: Dockerode,
  endpoint: string,
  runId: string,
  workspaceVolume: string | undefined,
): Promise<void> {
  const leftovers = await listJobContainers(docker, { runId }, endpoint);
  await Promise.all(
    leftovers.map((info) => removeContainer(docker, endpoint, info.Id, info.Names[0] ?? info.Id)),
  );
  const outputs = await listRunVolumes(docker, runId, OUTPUT_ROLE, endpoint);
  await Promise.all(outputs.map((name) => removeVolume(docker, endpoint, name)));
  if (workspaceVolume !== undefined) await removeVolume(docker, endpoint, workspaceVolume);
}

/** Names of the volumes of run `runId` labelled `containerops.role=<role>`. */
export async function listRunVolumes(
  docker: Dockerode,
  runId: string,
  role: string,
  endpoint: string,
): Promise<string[]> {
  try {
    const { Volumes } = await docker.listVolumes({
      filters: { label: [`${JobLabel.runId}=${runId}`, `${ROLE_LABEL}=${role}`] },
    });
    return (Volumes ?? []).map((volume) => volume.Name);
  } catch (error) {
    throw toOrchestratorError(error, `listing volumes of run ${runId}`, endpoint);
  }
}

/** Removes a volume (gone is fine); retries briefly while a just-removed container holds it. */
export async function removeVolume(
  docker: Dockerode,
  endpoint: string,
  name: string,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await docker.getVolume(name).remove();
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (dockerStatus(error) === 409 && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      throw toOrchestratorError(error, `removing workspace volume ${name}`, endpoint);
    }
  }
}
