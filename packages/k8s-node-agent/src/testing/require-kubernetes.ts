import { access } from 'node:fs/promises';
import path from 'node:path';
import Docker from 'dockerode';
import { KubeClient } from '../kube-client.js';

/** Where the test cluster's files are (scripts/k8s/ensure-control-plane.sh). */
export const testClusterDir = path.join(
  process.env['CONTAINEROPS_SERVICES_DIR'] ?? '/var/lib/containerops-test-services',
  'k8s',
);

/** What the gate found. */
export interface KubernetesGate {
  available: boolean;
  /** Why not, when not available. */
  reason?: string;
  /** The kubeconfig to use (the test cluster's admin kubeconfig unless given). */
  kubeconfig: string;
  /** The Ready node pods run on. */
  nodeName: string;
}

export interface RequireKubernetesOptions {
  /** Default: $KUBECONFIG, else the test cluster's admin kubeconfig. */
  kubeconfig?: string;
  /** The node that must be Ready (default: $CONTAINEROPS_K8S_NODE_NAME or `containerops-node`); `false` for control-plane-only tests. */
  nodeName?: string | false;
  /** Local Docker images the tests use (the agent never pulls). */
  images?: string[];
}

const howToStart = 'start it with: bash scripts/k8s/ensure-cluster.sh';

/**
 * The gate of test files that need the test Kubernetes cluster: the kubeconfig exists, the API
 * server answers with it, the node agent's Node is Ready, and the images are in the local
 * Docker engine.
 * ```ts
 * const k8s = await requireKubernetes({ images: ['containerops/busybox:latest'] });
 * describe.skipIf(!k8s.available)('...', () => { ... });
 * ```
 * With `CI=true` it THROWS when anything is missing, so the test file fails (CI must not pass by
 * skipping); otherwise it prints why on stderr and returns `{ available: false, reason }`.
 */
export async function requireKubernetes(
  options: RequireKubernetesOptions = {},
): Promise<KubernetesGate> {
  const kubeconfig =
    options.kubeconfig ??
    process.env['KUBECONFIG'] ??
    path.join(testClusterDir, 'admin.kubeconfig');
  const nodeName =
    options.nodeName === false
      ? ''
      : (options.nodeName ?? process.env['CONTAINEROPS_K8S_NODE_NAME'] ?? 'containerops-node');
  const reason = await findProblem(kubeconfig, nodeName, options.images ?? []);
  if (reason === undefined) return { available: true, kubeconfig, nodeName };
  if (process.env['CI'] === 'true')
    throw new Error(`Kubernetes test cluster required in CI: ${reason}`);
  process.stderr.write(`[kubernetes tests skipped] ${reason}\n`);
  return { available: false, reason, kubeconfig, nodeName };
}

async function findProblem(
  kubeconfig: string,
  nodeName: string,
  images: string[],
): Promise<string | undefined> {
  try {
    await access(kubeconfig);
  } catch {
    return `no kubeconfig at ${kubeconfig}; ${howToStart}`;
  }
  let client: KubeClient;
  try {
    client = await KubeClient.fromKubeconfig(kubeconfig);
    await client.request('GET', '/version');
  } catch (error) {
    return `the API server of ${kubeconfig} does not answer (${(error as Error).message}); ${howToStart}`;
  }
  if (nodeName !== '') {
    try {
      const node = await client.request<{
        status?: { conditions?: { type: string; status: string }[] };
      }>('GET', `/api/v1/nodes/${nodeName}`);
      const ready =
        node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (!ready)
        return `node ${nodeName} is not Ready (is the node agent running?); ${howToStart}`;
    } catch (error) {
      return `node ${nodeName} is not registered (${(error as Error).message}); ${howToStart}`;
    }
  }
  const docker = new Docker();
  for (const image of images) {
    try {
      await docker.getImage(image).inspect();
    } catch {
      return `image ${image} is not in the local Docker engine (nothing is pulled); build it with scripts/docker/build-base-images.sh`;
    }
  }
  return undefined;
}
