import type Dockerode from 'dockerode';
import { createDockerClient } from '@containerops/orchestrator-docker';
import type { SwarmImagePolicy } from './image-resolver.js';
import type { SwarmLogSource } from './job-logs.js';

/** Options of {@link createSwarmOrchestrator}; every field is optional. */
export interface SwarmOrchestratorOptions {
  /**
   * Unix socket of a Docker engine that is a swarm MANAGER. Default: `DOCKER_HOST` when set
   * (`unix://...` or `tcp://host:port`, TLS variables as the docker CLI reads them), otherwise
   * `/var/run/docker.sock`.
   */
  readonly socketPath?: string;
  /** `local` (default): run the manager's local image by id, never contact a registry. See {@link SwarmImagePolicy}. */
  readonly imagePolicy?: SwarmImagePolicy;
  /**
   * Volume driver of the run workspaces; default `local`, which is only right on a single node.
   * A multi-node swarm needs a driver every node reaches (NFS through `local` with
   * `volumeDriverOptions: {type: 'nfs', o: 'addr=...', device: ':/export'}`, or a CSI plugin).
   */
  readonly volumeDriver?: string;
  /** Driver options of the workspace volumes (`DriverOpts`). */
  readonly volumeDriverOptions?: Readonly<Record<string, string>>;
  /** Placement constraints of every job (`node.labels.ci==true`, `node.role==worker`). */
  readonly placementConstraints?: readonly string[];
  /**
   * The services' `StopGracePeriod` in ms (default 10 000): what Swarm waits between SIGTERM and
   * SIGKILL when it stops a task itself (service removed, node drained). `stop()` on a job running
   * on this node uses the grace the engine passes instead.
   */
  readonly stopGraceMs?: number;
  /** Run tini as PID 1 in job containers (`ContainerSpec.Init`); default true. */
  readonly init?: boolean;
  /** How often task states are polled (one request for all jobs); default 200 ms. */
  readonly pollIntervalMs?: number;
  /** Where logs are read from; default `auto`. See {@link SwarmLogSource}. */
  readonly logSource?: SwarmLogSource;
  /**
   * How long a task may stay pending for a reason other than busy nodes (unsatisfiable placement
   * constraints, no node of the image's platform) before the job fails with Swarm's reason;
   * default 30 000 ms. Reservations no node can ever meet fail `start` at once.
   */
  readonly unschedulableTimeoutMs?: number;
  /** How long `isAvailable` waits for the engine; default 10 000 ms (busy engines are slow). */
  readonly pingTimeoutMs?: number;
}

export interface ResolvedSwarmOptions {
  readonly imagePolicy: SwarmImagePolicy;
  readonly volumeDriver: string;
  readonly volumeDriverOptions: Readonly<Record<string, string>>;
  readonly placementConstraints: readonly string[];
  readonly stopGraceMs: number;
  readonly init: boolean;
  readonly pollIntervalMs: number;
  readonly logSource: SwarmLogSource;
  readonly unschedulableTimeoutMs: number;
  readonly pingTimeoutMs: number;
}

export function resolveSwarmOptions(options: SwarmOrchestratorOptions): ResolvedSwarmOptions {
  return {
    imagePolicy: options.imagePolicy ?? 'local',
    volumeDriver: options.volumeDriver ?? 'local',
    volumeDriverOptions: options.volumeDriverOptions ?? {},
    placementConstraints: options.placementConstraints ?? [],
    stopGraceMs: options.stopGraceMs ?? 10_000,
    init: options.init ?? true,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    logSource: options.logSource ?? 'auto',
    unschedulableTimeoutMs: options.unschedulableTimeoutMs ?? 30_000,
    pingTimeoutMs: options.pingTimeoutMs ?? 10_000,
  };
}

/** A dockerode client for the options (the docker plugin's rules), and the endpoint in words. */
export function createSwarmClient(options: SwarmOrchestratorOptions): {
  docker: Dockerode;
  endpoint: string;
} {
  return createDockerClient(
    options.socketPath === undefined ? {} : { socketPath: options.socketPath },
  );
}
