/**
 * The SDK's orchestrator conformance suite against the real test cluster: the control plane built
 * from the Kubernetes Go modules plus the repository's node agent (scripts/k8s/ensure-cluster.sh),
 * in a fresh namespace deleted afterwards. No registry is reachable here: the agent runs local
 * images only (containerops/busybox:latest, from scripts/docker/build-base-images.sh).
 */
import { afterAll, describe, it } from 'vitest';
import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { createKubernetesOrchestrator } from './kubernetes-orchestrator.js';
import { requireKubernetes } from '@containerops/k8s-node-agent/testing';
import { createTestNamespace } from './testing/test-namespace.js';

const image = 'containerops/busybox:latest';
const gate = await requireKubernetes({ images: ['containerops/busybox:latest'] });

if (gate.available) {
  const ns = await createTestNamespace(gate.kubeconfig, 'co-k8s-conf');
  afterAll(() => ns.delete());
  describeOrchestratorConformance({
    name: 'kubernetes',
    create: () =>
      createKubernetesOrchestrator({
        kubeconfig: gate.kubeconfig,
        namespace: ns.name,
        storageClassName: 'containerops-local',
        workspaceSize: '64Mi',
        stopGraceMs: 2_000,
        pendingTimeoutMs: 30_000,
      }),
    image,
    // Pods are scheduled, bound and started by separate controllers: slower than a container.
    scale: 2,
  });
} else {
  describe('orchestrator conformance: kubernetes', () => {
    it.skip(`skipped: ${gate.reason ?? 'no Kubernetes cluster'}`, () => undefined);
  });
}
