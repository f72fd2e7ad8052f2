import Dockerode from 'dockerode';
import type { Availability } from '@containerops/sdk';
import { dockerMessage } from './docker-errors.js';
import type { RegistryCredentials } from './image/image-ref.js';
import type { PullPolicy } from './image/image-provider.js';

export const DEFAULT_SOCKET_PATH = '/var/run/docker.sock';

/** Options of {@link createDockerOrchestrator}; every field is optional. */
export interface DockerOrchestratorOptions {
  /**
   * Unix socket of the Docker engine. Default: `DOCKER_HOST` when set (`unix://...` or
   * `tcp://host:port`, with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH` as the docker CLI reads them),
   * otherwise `/var/run/docker.sock`.
   */
  readonly socketPath?: string;
  /**
   * `HostConfig.NetworkMode` of job containers: `bridge` (default: Docker's default network),
   * `none` (no interface but loopback), `host`, or the name of a user-defined network.
   */
  readonly network?: string;
  /** When to pull images; default `if-not-present`. See {@link PullPolicy}. */
  readonly pullPolicy?: PullPolicy;
  /**
   * Registry credentials, resolved by the caller (from secrets), keyed by registry host
   * (`ghcr.io`, `127.0.0.1:5000`; `docker.io` or `https://index.docker.io/v1/` for Docker Hub).
   */
  readonly registryAuth?: Readonly<Record<string, RegistryCredentials>>;
  /**
   * The containers' `StopTimeout` in ms (rounded up to seconds; default 10 000): how long
   * `docker stop` without `-t`, or a daemon shutdown, waits before killing a job. `stop()` uses
   * the grace time the engine passes instead.
   */
  readonly stopGraceMs?: number;
  /** Run tini as PID 1 in job containers (`--init`); default true. */
  readonly init?: boolean;
  /** How long `isAvailable` waits for the daemon's ping; default 10 000 ms (busy engines are slow). */
  readonly pingTimeoutMs?: number;
}

export interface ResolvedDockerOptions {
  readonly network: string;
  readonly pullPolicy: PullPolicy;
  readonly registryAuth: Readonly<Record<string, RegistryCredentials>> | undefined;
  readonly stopGraceMs: number;
  readonly init: boolean;
  readonly pingTimeoutMs: number;
}

export function resolveOptions(options: DockerOrchestratorOptions): ResolvedDockerOptions {
  return {
    network: options.network ?? 'bridge',
    pullPolicy: options.pullPolicy ?? 'if-not-present',
    registryAuth: options.registryAuth,
    stopGraceMs: options.stopGraceMs ?? 10_000,
    init: options.init ?? true,
    pingTimeoutMs: options.pingTimeoutMs ?? 10_000,
  };
}

/** A dockerode client for the options, and the endpoint in words for error messages. */
export function createDockerClient(options: DockerOrchestratorOptions): {
  docker: Dockerode;
  endpoint: string;
} {
  if (options.socketPath !== undefined) {
    return {
      docker: new Dockerode({ socketPath: options.socketPath }),
      endpoint: options.socketPath,
    };
  }
  const host = process.env['DOCKER_HOST'];
  if (host !== undefined && host !== '') {
    // docker-modem reads DOCKER_HOST (and the TLS variables) itself when given no options.
    return { docker: new Dockerode(), endpoint: `${host} (DOCKER_HOST)` };
  }
  return {
    docker: new Dockerode({ socketPath: DEFAULT_SOCKET_PATH }),
    endpoint: DEFAULT_SOCKET_PATH,
  };
}

/** A ping with a timeout: available, or not with a reason naming the endpoint. Never throws. */
export async function pingDocker(
  docker: Dockerode,
  endpoint: string,
  timeoutMs: number,
): Promise<Availability> {
  // @types/dockerode omits ping's options; dockerode 4 accepts `abortSignal` there.
  const ping = docker.ping.bind(docker) as unknown as (opts: {
    abortSignal: AbortSignal;
  }) => Promise<unknown>;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    await ping({ abortSignal: signal });
    return { available: true };
  } catch (error) {
    // A busy engine answers late: say that, rather than that no engine answers at all.
    if (signal.aborted) {
      return {
        available: false,
        reason:
          `the Docker engine at ${endpoint} did not answer within ${timeoutMs} ms ` +
          '(it may be busy, not down): retry, or raise pingTimeoutMs',
      };
    }
    return {
      available: false,
      reason:
        `no Docker engine answers at ${endpoint} (${dockerMessage(error)}); start one ` +
        '(scripts/docker/ensure-engine.sh) or set socketPath/DOCKER_HOST',
    };
  }
}
