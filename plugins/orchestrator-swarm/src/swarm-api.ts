/**
 * The Docker calls of the swarm orchestrator, each turning Docker's failures into
 * {@link OrchestratorError}s and treating "already gone" as success where the contract asks for
 * idempotency.
 */
import type Dockerode from 'dockerode';
import { ErrorCode, JobLabel, OrchestratorError } from '@containerops/sdk';
import type { Availability, ReattachSelector } from '@containerops/sdk';
import {
  dockerMessage,
  dockerStatus,
  isNotFound,
  toOrchestratorError,
} from '@containerops/orchestrator-docker';
import { parseNode, parseTask, terminalTaskStates } from './swarm-types.js';
import type { SwarmNode, SwarmTask } from './swarm-types.js';
import type { TaskSource } from './task-watcher.js';

/** Label Swarm puts on every task container. */
export const SERVICE_ID_LABEL = 'com.docker.swarm.service.id';

/** Replicated-job services arrived with Docker 20.10 (API 1.41). */
const MIN_API = [1, 41] as const;

interface SwarmInfo {
  readonly Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class SwarmApi implements TaskSource {
  private nodeId: Promise<string> | undefined;

  constructor(
    private readonly docker: Dockerode,
    readonly endpoint: string,
    private readonly pingTimeoutMs: number,
  ) {}

  /** Runs one Docker call, wrapping its failure as an OrchestratorError saying what was done. */
  async call<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toOrchestratorError(error, doing, this.endpoint);
    }
  }

  /** Never throws: the engine answers, is a swarm manager, and speaks API 1.41 or later. */
  async availability(): Promise<Availability> {
    const signal = AbortSignal.timeout(this.pingTimeoutMs);
    // @types/dockerode omits the options of info() and version(); dockerode 4 accepts `abortSignal`.
    const withSignal = (call: () => Promise<unknown>) =>
      call.bind(this.docker) as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
    let info: SwarmInfo;
    let apiVersion: string;
    try {
      info = (await withSignal(this.docker.info)({ abortSignal: signal })) as SwarmInfo;
      const version = (await withSignal(this.docker.version)({ abortSignal: signal })) as {
        ApiVersion?: unknown;
      };
      apiVersion = String(version.ApiVersion ?? '');
    } catch (error) {
      // A busy engine answers late: say that, rather than that no engine answers at all.
      if (signal.aborted) {
        return {
          available: false,
          reason:
            `the Docker engine at ${this.endpoint} did not answer within ${this.pingTimeoutMs} ms ` +
            '(it may be busy, not down): retry, or raise pingTimeoutMs',
        };
      }
      return {
        available: false,
        reason:
          `no Docker engine answers at ${this.endpoint} (${dockerMessage(error)}); start one ` +
          '(scripts/docker/ensure-engine.sh) or set socketPath/DOCKER_HOST',
      };
    }
    const state = info.Swarm?.LocalNodeState ?? 'inactive';
    if (state !== 'active') {
      return {
        available: false,
        reason:
          `the Docker engine at ${this.endpoint} is not part of a swarm (state "${state}"): run ` +
          '`docker swarm init --advertise-addr 127.0.0.1` (scripts/docker/ensure-engine.sh does it)',
      };
    }
    if (info.Swarm?.ControlAvailable !== true) {
      return {
        available: false,
        reason: `the Docker engine at ${this.endpoint} is a swarm worker: point the swarm orchestrator at a manager node`,
      };
    }
    const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
    if (major < MIN_API[0] || (major === MIN_API[0] && minor < MIN_API[1])) {
      return {
        available: false,
        reason: `the Docker engine at ${this.endpoint} speaks API ${apiVersion}; swarm jobs need 1.41 (Docker 20.10) or later`,
      };
    }
    return { available: true };
  }

  /** Swarm node id of the engine we talk to; asked once. */
  localNodeId(): Promise<string> {
    this.nodeId ??= this.call('reading the swarm node id', async () => {
      const info = (await this.docker.info()) as SwarmInfo;
      return info.Swarm?.NodeID ?? '';
    }).catch((error: unknown) => {
      this.nodeId = undefined;
      throw error;
    });
    return this.nodeId;
  }

  async nodes(): Promise<SwarmNode[]> {
    const raw = await this.call('listing swarm nodes', () => this.docker.listNodes());
    return (raw as unknown[]).map(parseNode);
  }

  async listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]> {
    const raw = await this.docker.listTasks({ filters: { service: [...serviceIds] } });
    return (raw as unknown[]).map(parseTask);
  }

  async serviceExists(serviceId: string): Promise<boolean> {
    return (await this.serviceSpec(serviceId)) !== undefined;
  }

  /** The service's spec, or undefined when it does not exist. */
  async serviceSpec(serviceId: string): Promise<Dockerode.ServiceSpec | undefined> {
    try {
      const info = (await this.docker.getService(serviceId).inspect()) as Dockerode.Service;
      return info.Spec ?? {};
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Creates a job's service and returns its id. A leftover of the same name (a start that
   * crashed half-way, a previous test run) is replaced when its task has finished, refused
   * while it runs.
   */
  async createService(create: Dockerode.CreateServiceOptions, image: string): Promise<string> {
    const name = create.Name ?? '';
    for (let attempt = 0; ; attempt += 1) {
      try {
        // The two-argument form: with one, dockerode sends the whole spec as X-Registry-Auth.
        const service = await this.docker.createService({}, create);
        return service.id;
      } catch (error) {
        if (dockerStatus(error) === 409 && attempt === 0) {
          const tasks = await this.listTasks([name]).catch(() => []);
          const live = tasks.some((t) => !terminalTaskStates.has(t.state));
          if (live) {
            throw new OrchestratorError(
              ErrorCode.jobStartFailed,
              `service ${name} already runs (job started twice?)`,
            );
          }
          await this.removeService(name);
          continue;
        }
        throw toOrchestratorError(
          error,
          `creating service ${name} (image "${image}")`,
          this.endpoint,
          ErrorCode.jobStartFailed,
        );
      }
    }
  }

  /** Idempotent: a service that does not exist is already removed. */
  async removeService(serviceId: string): Promise<void> {
    try {
      await this.docker.getService(serviceId).remove();
    } catch (error) {
      if (isNotFound(error)) return;
      throw toOrchestratorError(error, `removing service ${serviceId}`, this.endpoint);
    }
  }

  /**
   * Docker's stop of a task's container: stop signal, SIGKILL after `graceMs` rounded up to
   * seconds. False when the container was not running (created but not started, or gone).
   */
  async stopContainer(containerId: string, graceMs: number): Promise<boolean> {
    try {
      await this.docker
        .getContainer(containerId)
        .stop({ t: Math.max(0, Math.ceil(graceMs / 1000)) });
      return true;
    } catch (error) {
      const status = dockerStatus(error);
      if (status === 304 || status === 404) return false;
      throw toOrchestratorError(error, `stopping container ${containerId}`, this.endpoint);
    }
  }

  /** Managed services (of any state) matching the selector's run id and labels. */
  listServices(selector: ReattachSelector): Promise<Dockerode.Service[]> {
    const labels = [`${JobLabel.managed}=true`];
    if (selector.runId !== undefined) labels.push(`${JobLabel.runId}=${selector.runId}`);
    for (const [key, value] of Object.entries(selector.labels ?? {}))
      labels.push(`${key}=${value}`);
    return this.call('listing job services', () =>
      this.docker.listServices({ filters: { label: labels } }),
    );
  }

  /**
   * Force-removes the task containers on this node that carry all `labels` (`key=value` or just
   * `key`). Docker 20.10 keeps the tasks and containers of a removed replicated-job service
   * (moby/moby#42789, #44312), so they are removed here; 404 and 409 (already being removed) are
   * success.
   */
  async removeTaskContainers(labels: readonly string[]): Promise<void> {
    const filters = { label: [SERVICE_ID_LABEL, ...labels] };
    const containers = await this.call('listing job containers', () =>
      this.docker.listContainers({ all: true, filters }),
    );
    await Promise.all(
      containers.map(async (info) => {
        try {
          await this.docker.getContainer(info.Id).remove({ force: true });
        } catch (error) {
          const status = dockerStatus(error);
          if (status === 404 || status === 409) return;
          throw toOrchestratorError(error, `removing container ${info.Id}`, this.endpoint);
        }
      }),
    );
  }

  /** Removes a volume; retries briefly while a just-removed container still holds it. */
  async removeVolume(name: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.docker.getVolume(name).remove();
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (dockerStatus(error) === 409 && attempt < 10) {
          await sleep(200 * attempt);
          continue;
        }
        throw toOrchestratorError(error, `removing workspace volume ${name}`, this.endpoint);
      }
    }
  }
}
