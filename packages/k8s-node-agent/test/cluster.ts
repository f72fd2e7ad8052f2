import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { startNodeAgent } from '../src/agent.js';
import type { NodeAgent } from '../src/agent.js';
import { labels } from '../src/container-spec.js';
import { KubeClient, isStatus } from '../src/kube-client.js';
import type { Pod } from '../src/kube-types.js';
import { testClusterDir } from '../src/testing/require-kubernetes.js';

/** Test pods carry this toleration: the test agents' nodes are tainted so nothing else lands there. */
export const testTaint = {
  key: 'containerops.dev/agent-test',
  value: 'true',
  effect: 'NoSchedule' as const,
};
export const busybox = 'containerops/busybox:latest';

/** A unique lower-case suffix for node and namespace names. */
export const unique = (): string => randomBytes(3).toString('hex');

/** The TLS files ensure-node-agent.sh made; test agents reuse them. */
export const tlsFiles = {
  certFile: path.join(testClusterDir, 'pki', 'node-agent.crt'),
  keyFile: path.join(testClusterDir, 'pki', 'node-agent.key'),
  clientCaFile: path.join(testClusterDir, 'pki', 'ca.crt'),
};

export const stateDirOf = (nodeName: string): string => path.join(testClusterDir, 'node', nodeName);

/** An in-process agent for the current sources, on its own tainted node (deleted on stop). */
export async function startTestAgent(kubeconfig: string, nodeName: string): Promise<NodeAgent> {
  return startNodeAgent({
    kubeconfig,
    nodeName,
    stateDir: stateDirOf(nodeName),
    kubeletPort: 0,
    tls: tlsFiles,
    taints: [testTaint],
    deregisterOnStop: true,
    log: process.env.K8S_AGENT_DEBUG ? (m: string) => console.log(m) : () => undefined,
  });
}

/** Removes whatever a test node left in Docker and on disk. */
export async function cleanNode(nodeName: string): Promise<void> {
  const docker = new Docker();
  const leftovers = await docker.listContainers({
    all: true,
    filters: { label: [`${labels.node}=${nodeName}`] },
  });
  await Promise.all(
    leftovers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
  await rm(stateDirOf(nodeName), { recursive: true, force: true });
}

/** The containers a test node runs for one pod. */
export async function containersOf(
  nodeName: string,
  podUid: string,
): Promise<Docker.ContainerInfo[]> {
  return new Docker().listContainers({
    all: true,
    filters: { label: [`${labels.node}=${nodeName}`, `${labels.podUid}=${podUid}`] },
  });
}

/** Polls until `check` returns a value (not undefined), failing after `timeoutMs` with `what`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last error: ${String(last)})`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await client.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
}

export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  try {
    await client.request('DELETE', `/api/v1/namespaces/${name}`);
  } catch (error) {
    if (!isStatus(error, 404)) throw error;
  }
}

/** A pod spec pinned to the test node: nodeSelector + toleration (for Jobs), or nodeName (bare pods). */
export function podSpec(
  nodeName: string,
  spec: Partial<Pod['spec']>,
  bare: boolean,
): Pod['spec'] & Record<string, unknown> {
  return {
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 5,
    tolerations: [{ ...testTaint, operator: 'Equal' }],
    ...(bare ? { nodeName } : { nodeSelector: { 'kubernetes.io/hostname': nodeName } }),
    containers: [],
    ...spec,
  };
}

export async function createPod(
  client: KubeClient,
  namespace: string,
  name: string,
  spec: Pod['spec'],
): Promise<Pod> {
  return client.request<Pod>('POST', `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec,
  });
}

export async function getPod(client: KubeClient, namespace: string, name: string): Promise<Pod> {
  return client.request<Pod>('GET', `/api/v1/namespaces/${namespace}/pods/${name}`);
}

/** Reads a streaming GET to its end (pods/log with follow ends when the container exits). */
export async function readStream(client: KubeClient, urlPath: string): Promise<string> {
  const response = await client.stream(urlPath);
  let text = '';
  for await (const chunk of response) text += (chunk as Buffer).toString('utf8');
  return text;
}

export { KubeClient };
