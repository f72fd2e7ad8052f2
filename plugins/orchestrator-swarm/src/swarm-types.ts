/**
 * The parts of Swarm's task and node objects this plugin reads. dockerode types `listTasks` and
 * `listNodes` as `any[]`, so the answers are narrowed here once instead of trusted everywhere.
 */

/** Task states (swarmkit `TaskState`), in lifecycle order. */
export type TaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

/** States a task never leaves. */
export const terminalTaskStates: ReadonlySet<string> = new Set([
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);

export interface SwarmTask {
  readonly id: string;
  readonly serviceId: string;
  /** Empty until the scheduler assigns the task to a node. */
  readonly nodeId: string;
  readonly state: TaskState | string;
  readonly desiredState: string;
  /** Swarm's explanation: "no suitable node (...)", "task: non-zero exit (3)", "No such image: x". */
  readonly err?: string;
  readonly message?: string;
  readonly containerId?: string;
  readonly exitCode?: number;
  /** Raft version: the newest task of a service has the highest. */
  readonly version: number;
  readonly createdAt: string;
}

export interface SwarmNode {
  readonly id: string;
  readonly hostname: string;
  /** `ready`, `down`, `unknown`, `disconnected`. */
  readonly state: string;
  /** `active`, `pause`, `drain`. */
  readonly availability: string;
  readonly nanoCpus: number;
  readonly memoryBytes: number;
}

type Obj = Record<string, unknown>;

function obj(value: unknown): Obj {
  return typeof value === 'object' && value !== null ? (value as Obj) : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Narrows one element of `GET /tasks`. */
export function parseTask(raw: unknown): SwarmTask {
  const t = obj(raw);
  const status = obj(t['Status']);
  const container = obj(status['ContainerStatus']);
  return {
    id: str(t['ID']) ?? '',
    serviceId: str(t['ServiceID']) ?? '',
    nodeId: str(t['NodeID']) ?? '',
    state: str(status['State']) ?? 'new',
    desiredState: str(t['DesiredState']) ?? '',
    err: str(status['Err']),
    message: str(status['Message']),
    containerId: str(container['ContainerID']),
    exitCode: num(container['ExitCode']),
    version: num(obj(t['Version'])['Index']) ?? 0,
    createdAt: str(t['CreatedAt']) ?? '',
  };
}

/** Narrows one element of `GET /nodes`. */
export function parseNode(raw: unknown): SwarmNode {
  const n = obj(raw);
  const description = obj(n['Description']);
  const resources = obj(description['Resources']);
  return {
    id: str(n['ID']) ?? '',
    hostname: str(description['Hostname']) ?? str(n['ID']) ?? '?',
    state: str(obj(n['Status'])['State']) ?? 'unknown',
    availability: str(obj(n['Spec'])['Availability']) ?? 'active',
    nanoCpus: num(resources['NanoCPUs']) ?? 0,
    memoryBytes: num(resources['MemoryBytes']) ?? 0,
  };
}

/** The task a job's service is about: the newest one (a job service has one per iteration). */
export function newestTask(tasks: readonly SwarmTask[]): SwarmTask | undefined {
  let best: SwarmTask | undefined;
  for (const t of tasks) {
    if (best === undefined || t.version > best.version) best = t;
  }
  return best;
}
