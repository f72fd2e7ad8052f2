import type { ContainerInspectInfo } from 'dockerode';
import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodPhase,
  PodStatus,
} from './kube-types.js';

/** Message the kubelet writes when a pod ran past `activeDeadlineSeconds`. */
export const deadlineMessage = 'Pod was active on the node longer than the specified deadline';

/**
 * A Docker container's state as a Kubernetes container state: running, or terminated with the
 * kubelet's reasons (`Completed` for exit 0, `OOMKilled` when the kernel killed it for memory,
 * `Error` otherwise, `StartError` with exit code 128 when it could not be started at all).
 */
export function containerState(info: ContainerInspectInfo): ContainerState {
  const state = info.State;
  if (state.Running) return { running: { startedAt: state.StartedAt } };
  if (state.Status === 'created') return { waiting: { reason: 'ContainerCreating' } };
  const containerID = `docker://${info.Id}`;
  if (state.Error !== '' && isDockerZeroTime(state.StartedAt)) {
    // Docker could not start it (no such executable, bad working dir): the kubelet's StartError.
    const finishedAt = isDockerZeroTime(state.FinishedAt) ? {} : { finishedAt: state.FinishedAt };
    return {
      terminated: {
        exitCode: 128,
        reason: 'StartError',
        message: state.Error,
        ...finishedAt,
        containerID,
      },
    };
  }
  const reason = state.OOMKilled ? 'OOMKilled' : state.ExitCode === 0 ? 'Completed' : 'Error';
  return {
    terminated: {
      exitCode: state.ExitCode,
      reason,
      startedAt: state.StartedAt,
      finishedAt: state.FinishedAt,
      containerID,
    },
  };
}

/** Docker's "never" timestamp. */
export function isDockerZeroTime(time: string | undefined): boolean {
  return time === undefined || time === '' || time.startsWith('0001-01-01');
}

/** What the agent knows beyond the containers when it computes a pod's status. */
export interface PodFacts {
  /** When the agent first took the pod on (kept from the pod's status once written). */
  startTime: string;
  /** The pod ran past its activeDeadlineSeconds and was killed. */
  deadlineExceeded: boolean;
  now: string;
  /** The pod's address: its first container's Docker address (127.0.0.1 with hostNetwork). */
  podIP?: string;
  /** The init containers' statuses, when the pod has any. */
  initContainers?: ContainerStatus[];
  /** An init container failed for good (restartPolicy Never). */
  initFailed?: boolean;
}

/**
 * The pod's status as the kubelet would write it through `pods/status`: phase from the container
 * states and the restart policy, the kubelet's conditions (keeping the scheduler's and other
 * writers' conditions, and each condition's lastTransitionTime while its status is unchanged),
 * startTime and the container statuses in spec order.
 */
export function podStatus(pod: Pod, containers: ContainerStatus[], facts: PodFacts): PodStatus {
  const init = facts.initContainers ?? [];
  const incomplete = init
    .filter((status) => !('terminated' in status.state && status.state.terminated.exitCode === 0))
    .map((status) => status.name);
  const phase =
    facts.deadlineExceeded || facts.initFailed === true
      ? 'Failed'
      : incomplete.length > 0
        ? 'Pending'
        : podPhase(pod, containers);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = containers.filter((status) => !status.ready).map((status) => status.name);
  const ready: Pick<PodCondition, 'status' | 'reason' | 'message'> = terminal
    ? { status: 'False', reason: 'PodCompleted' }
    : unready.length === 0
      ? { status: 'True' }
      : {
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${unready.join(' ')}]`,
        };
  const ours: Record<string, Pick<PodCondition, 'status' | 'reason' | 'message'>> = {
    PodReadyToStartContainers: { status: terminal ? 'False' : 'True' },
    Initialized:
      incomplete.length > 0
        ? {
            status: 'False',
            reason: 'ContainersNotInitialized',
            message: `containers with incomplete status: [${incomplete.join(' ')}]`,
          }
        : terminal
          ? { status: 'True', reason: 'PodCompleted' }
          : { status: 'True' },
    Ready: ready,
    ContainersReady: ready,
  };
  const previous = pod.status?.conditions ?? [];
  const conditions: PodCondition[] = previous.filter((condition) => !(condition.type in ours));
  for (const [type, value] of Object.entries(ours)) {
    const before = previous.find((condition) => condition.type === type);
    const lastTransitionTime =
      before !== undefined &&
      before.status === value.status &&
      before.lastTransitionTime !== undefined
        ? before.lastTransitionTime
        : facts.now;
    conditions.push({ type, ...value, lastProbeTime: null, lastTransitionTime });
  }
  return {
    phase,
    ...(facts.deadlineExceeded ? { reason: 'DeadlineExceeded', message: deadlineMessage } : {}),
    startTime: facts.startTime,
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    ...(facts.podIP === undefined ? {} : { podIP: facts.podIP, podIPs: [{ ip: facts.podIP }] }),
    conditions,
    containerStatuses: containers,
    ...(facts.initContainers === undefined ? {} : { initContainerStatuses: facts.initContainers }),
  };
}

/**
 * Pending while a container has never started (image missing, being created); Succeeded or
 * Failed once every container has terminated and the restart policy will not run them again
 * (Never: all exit 0 → Succeeded; OnFailure: only when all exited 0); Running otherwise.
 */
export function podPhase(pod: Pod, containers: ContainerStatus[]): PodPhase {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (containers.some((status) => 'waiting' in status.state && status.restartCount === 0))
    return 'Pending';
  const exits = containers.map((status) =>
    'terminated' in status.state ? status.state.terminated.exitCode : undefined,
  );
  if (exits.every((code) => code !== undefined)) {
    if (exits.every((code) => code === 0) && policy !== 'Always') return 'Succeeded';
    if (policy === 'Never') return 'Failed';
  }
  return 'Running';
}
