import os from 'node:os';
import type { KubeClient } from './kube-client.js';
import { isStatus } from './kube-client.js';

/** A taint on the agent's Node, for test nodes that only pods tolerating it may use. */
export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** What the Node object says about this machine. */
export interface NodeRegistrationOptions {
  nodeName: string;
  /** The HTTPS port of the agent's kubelet API (logs): where the API server calls it. */
  kubeletPort: number;
  labels?: Record<string, string>;
  taints?: NodeTaint[];
  /** Docker's version, for nodeInfo.containerRuntimeVersion. */
  runtimeVersion: string;
}

/** The lease duration the node-lifecycle controller judges the heartbeats by. */
export const leaseDurationSeconds = 40;

/**
 * Registers (or re-registers) the Node and keeps it alive the way a kubelet does: a Lease in
 * `kube-node-lease` renewed every {@link NodeRegistration.heartbeat} call (the agent calls it
 * every 10 s), and the Node's status (Ready condition, capacity, addresses, the kubelet port)
 * rewritten with a fresh heartbeat time on each {@link NodeRegistration.updateStatus}.
 */
export class NodeRegistration {
  private nodeUid = '';

  constructor(
    private readonly client: KubeClient,
    private readonly options: NodeRegistrationOptions,
  ) {}

  /** Creates the Node when it does not exist, refreshes labels/taints when it does, writes status and the lease. */
  async register(): Promise<void> {
    const { nodeName } = this.options;
    const metadata = {
      name: nodeName,
      labels: {
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': goArch(),
        ...this.options.labels,
      },
    };
    const spec = { taints: this.options.taints ?? [] };
    try {
      const node = await this.client.request<{ metadata: { uid: string } }>(
        'POST',
        '/api/v1/nodes',
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata,
          spec,
        },
      );
      this.nodeUid = node.metadata.uid;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      const node = await this.client.request<{ metadata: { uid: string } }>(
        'PATCH',
        `/api/v1/nodes/${nodeName}`,
        { metadata: { labels: metadata.labels }, spec },
        'merge',
      );
      this.nodeUid = node.metadata.uid;
    }
    await this.updateStatus();
    await this.heartbeat();
  }

  /** Writes the node's status with a fresh heartbeat time. */
  async updateStatus(): Promise<void> {
    const now = new Date().toISOString();
    const resources = {
      cpu: String(os.cpus().length),
      memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
      pods: '110',
      'ephemeral-storage': '100Gi',
    };
    const condition = (
      type: string,
      status: string,
      reason: string,
      message: string,
    ): Record<string, string> => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
    const status = {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'containerops test node',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'containerops test node'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'containerops test node'),
        condition(
          'Ready',
          'True',
          'KubeletReady',
          'containerops node agent is posting ready status',
        ),
      ],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: this.options.nodeName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: this.options.kubeletPort } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: os.release(),
        osImage: `${os.type()} (containerops node agent)`,
        containerRuntimeVersion: `docker://${this.options.runtimeVersion}`,
        kubeletVersion: 'v0.0.0-containerops-node-agent',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: goArch(),
      },
    };
    await this.client.request(
      'PATCH',
      `/api/v1/nodes/${this.options.nodeName}/status`,
      { status },
      'merge',
    );
  }

  /** Renews (or creates) the node's Lease. */
  async heartbeat(): Promise<void> {
    const { nodeName } = this.options;
    const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodeName}`;
    const spec = {
      holderIdentity: nodeName,
      leaseDurationSeconds,
      renewTime: microTime(new Date()),
    };
    try {
      await this.client.request('PATCH', path, { spec }, 'merge');
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      await this.client.request(
        'POST',
        '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: {
            name: nodeName,
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: this.nodeUid },
            ],
          },
          spec,
        },
      );
    }
  }

  /** Deletes the Node (and so its Lease, by owner reference): for test agents that leave no trace. */
  async deregister(): Promise<void> {
    try {
      await this.client.request('DELETE', `/api/v1/nodes/${this.options.nodeName}`);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}

/** A Lease's MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function goArch(): string {
  const arch = os.arch();
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}
