/** An in-memory {@link DockerCli} for tests of the builder and the command: no Docker needed. */
import type { DockerBuildRequest, DockerCli, ImageInfo } from './docker-cli.js';

export class FakeDockerCli implements DockerCli {
  /** Images by reference. */
  readonly images = new Map<string, ImageInfo>();
  /** Every build request, in order. */
  readonly builds: DockerBuildRequest[] = [];
  /** When set, the next builds fail with this message. */
  failWith: string | undefined;
  #next = 1;

  inspectImage(reference: string): Promise<ImageInfo | undefined> {
    return Promise.resolve(this.images.get(reference));
  }

  build(request: DockerBuildRequest, onLine: (line: string) => void): Promise<void> {
    this.builds.push(request);
    onLine(`Step 1/1 : building ${request.context}`);
    if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
    const id = `sha256:${String(this.#next++).padStart(64, '0')}`;
    for (const tag of request.tags) this.images.set(tag, { id, labels: { ...request.labels } });
    onLine(`Successfully built ${id.slice(7, 19)}`);
    return Promise.resolve();
  }
}
