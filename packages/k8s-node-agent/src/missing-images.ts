import type { DockerRuntime } from './docker-runtime.js';
import type { Container, ContainerStatus } from './kube-types.js';

/** How long ErrImagePull shows after a failed look for the image, before ImagePullBackOff. */
export const errImagePullMs = 2_000;
/** How long a missing image waits before it is looked for again, by failed looks so far. */
export const imageBackoffMs = (failures: number): number =>
  Math.min(5_000 * 2 ** (failures - 1), 60_000);

/**
 * One pod's missing images, as the kubelet reports an image it cannot pull: `ErrImagePull` right
 * after a failed look, then `ImagePullBackOff` until the next look (5 s, doubling to 60 s). The
 * agent never pulls; it only looks in the local engine again, so an image built meanwhile is used.
 */
export class MissingImages {
  private readonly failures = new Map<
    string,
    { count: number; checkedAt: number; nextCheck: number }
  >();

  /**
   * Undefined when the container's image is in the local engine; otherwise its waiting status.
   * `wakeIn` is asked for a reconcile when the status is due to change.
   */
  async check(
    container: Container,
    runtime: DockerRuntime,
    nodeName: string,
    wakeIn: (ms: number) => void,
  ): Promise<ContainerStatus | undefined> {
    const failure = this.failures.get(container.name);
    const now = Date.now();
    const message = missingImage(container.image, nodeName);
    if (failure !== undefined && now < failure.nextCheck) {
      wakeIn(failure.nextCheck - now);
      if (now < failure.checkedAt + errImagePullMs) {
        wakeIn(failure.checkedAt + errImagePullMs - now);
        return waiting(container, 'ErrImagePull', message);
      }
      return waiting(
        container,
        'ImagePullBackOff',
        `Back-off pulling image "${container.image}": ${message}`,
      );
    }
    if ((await runtime.imageId(container.image)) !== undefined) {
      this.failures.delete(container.name);
      return undefined;
    }
    const count = (failure?.count ?? 0) + 1;
    this.failures.set(container.name, {
      count,
      checkedAt: now,
      nextCheck: now + imageBackoffMs(count),
    });
    wakeIn(errImagePullMs);
    return waiting(container, 'ErrImagePull', message);
  }
}

/** A container status that waits, with the kubelet's reason. */
export function waiting(container: Container, reason: string, message?: string): ContainerStatus {
  return {
    name: container.name,
    image: container.image,
    imageID: '',
    ready: false,
    started: false,
    restartCount: 0,
    state: { waiting: { reason, ...(message === undefined ? {} : { message }) } },
  };
}

function missingImage(image: string, nodeName: string): string {
  return `image "${image}" is not present on node ${nodeName}, and this test node never pulls images (there is no registry): build or load it into the local Docker engine`;
}
