import { existsSync } from 'node:fs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createKubernetesOrchestrator } from '../kubernetes-orchestrator.js';

/** Whether tests needing a Kubernetes API (and optionally a node) can run here, and why not. */
export interface KubernetesGate {
  readonly available: boolean;
  readonly reason?: string;
  /** The kubeconfig the tests should use. */
  readonly kubeconfig?: string;
}

/** The test control plane's admin kubeconfig (scripts/k8s/ensure-control-plane.sh). */
export const TEST_KUBECONFIG = `${process.env['CONTAINEROPS_SERVICES_DIR'] ?? '/var/lib/containerops-test-services'}/k8s/admin.kubeconfig`;

export interface RequireKubernetesOptions {
  /** Also require a Ready node (Pods can run), not only the control plane. */
  readonly node?: boolean;
}

/**
 * The gate of Kubernetes-backed test files: `KUBECONFIG`, else the test control plane's admin
 * kubeconfig, must reach an API server that lets us list Jobs (and, with `node`, has a Ready node).
 * With `CI=true` it THROWS when that is missing, so the file fails; otherwise it prints why on
 * stderr and returns `{ available: false }`.
 */
export async function requireKubernetes(
  options: RequireKubernetesOptions = {},
): Promise<KubernetesGate> {
  const kubeconfig = process.env['KUBECONFIG'] ?? TEST_KUBECONFIG;
  const reason = await whyUnavailable(kubeconfig, options);
  if (reason === undefined) return { available: true, kubeconfig };
  if (process.env['CI'] === 'true')
    throw new Error(
      `Kubernetes required in CI: ${reason} (start it: bash scripts/k8s/ensure-cluster.sh)`,
    );
  process.stderr.write(`[kubernetes tests skipped] ${reason}\n`);
  return { available: false, reason };
}

async function whyUnavailable(
  kubeconfig: string,
  options: RequireKubernetesOptions,
): Promise<string | undefined> {
  if (!existsSync(kubeconfig))
    return `no kubeconfig at ${kubeconfig} (run scripts/k8s/ensure-control-plane.sh or set KUBECONFIG)`;
  const orchestrator = createKubernetesOrchestrator({ kubeconfig, namespace: 'default' });
  const availability = await orchestrator.isAvailable();
  if (!availability.available) return availability.reason ?? 'the Kubernetes API is not available';
  if (options.node !== true) return undefined;
  // Test-only call (not the plugin's, so not in kubernetesApiCalls): is there a node to run Pods?
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const ready = await kc
    .makeApiClient(CoreV1Api)
    .listNode()
    .then(
      (list) =>
        list.items.filter((node) =>
          node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
  if (typeof ready === 'string') return `cannot list nodes: ${ready}`;
  return ready > 0
    ? undefined
    : 'the control plane has no Ready node, so Pods cannot run (start the node agent: scripts/k8s/ensure-cluster.sh)';
}
