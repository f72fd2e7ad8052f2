import Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import { containerNamePrefix, labels } from './container-spec.js';

/**
 * The agent's only door to the Docker engine. Everything it lists is filtered by the agent's
 * node label and name prefix, so it never sees, stops or removes a container it did not make.
 */
export class DockerRuntime {
  readonly docker: Docker;

  constructor(
    readonly nodeName: string,
    socketPath?: string,
  ) {
    this.docker = new Docker(socketPath === undefined ? {} : { socketPath });
  }

  /** The agent's containers of one pod (every attempt), inspected; all of the node's when `podUid` is omitted. */
  async list(podUid?: string): Promise<ContainerInspectInfo[]> {
    const filters = [
      `${labels.node}=${this.nodeName}`,
      ...(podUid === undefined ? [] : [`${labels.podUid}=${podUid}`]),
    ];
    const summaries = await this.docker.listContainers({ all: true, filters: { label: filters } });
    const ours = summaries.filter((summary) =>
      summary.Names.some((name) => name.startsWith(`/${containerNamePrefix}`)),
    );
    const infos = await Promise.all(
      ours.map((summary) =>
        this.docker
          .getContainer(summary.Id)
          .inspect()
          .catch(() => undefined),
      ),
    );
    return infos.filter((info): info is ContainerInspectInfo => info !== undefined);
  }

  /** The local image's id, or undefined when the engine does not have it (the agent never pulls). */
  async imageId(image: string): Promise<string | undefined> {
    try {
      const info = await this.docker.getImage(image).inspect();
      return info.Id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** Creates the container; a conflict (same name: created by a run that died before starting it) reuses that one. */
  async create(options: ContainerCreateOptions): Promise<string> {
    try {
      const container = await this.docker.createContainer(options);
      return container.id;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 409 && options.name !== undefined) {
        return (await this.docker.getContainer(options.name).inspect()).Id;
      }
      throw error;
    }
  }

  async start(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      // 304: already started (by an agent run that died right after starting it).
      if ((error as { statusCode?: number }).statusCode !== 304) throw error;
    }
  }

  async inspect(id: string): Promise<ContainerInspectInfo> {
    return this.docker.getContainer(id).inspect();
  }

  /** SIGTERM (or the image's stop signal), then SIGKILL after `graceSeconds`; a stopped container is fine. */
  async stop(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.floor(graceSeconds)) });
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw error;
    }
  }

  /** Removes the container (killed first if it still runs); a missing one is fine. */
  async remove(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true });
    } catch (error) {
      const code = (error as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw error;
    }
  }
}

/** The newest attempt of each container name. */
export function latestAttempts(infos: ContainerInspectInfo[]): Map<string, ContainerInspectInfo> {
  const latest = new Map<string, ContainerInspectInfo>();
  for (const info of infos) {
    const name = info.Config.Labels[labels.container];
    if (name === undefined) continue;
    const before = latest.get(name);
    const attempt = (i: ContainerInspectInfo): number =>
      Number(i.Config.Labels[labels.attempt] ?? '0');
    if (before === undefined || attempt(info) > attempt(before)) latest.set(name, info);
  }
  return latest;
}

/** Docker's multiplexed log format (8-byte frame headers) to plain bytes. */
export function demuxBuffer(buffer: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts);
}
