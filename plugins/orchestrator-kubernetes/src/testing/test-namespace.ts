import { BatchV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/**
 * A fresh namespace for one test file, deleted afterwards (with everything in it), so test files
 * never see each other's Jobs. Test-only: the plugin itself never creates namespaces unless told.
 */
export interface TestNamespace {
  readonly name: string;
  readonly core: CoreV1Api;
  readonly batch: BatchV1Api;
  delete(): Promise<void>;
}

export async function createTestNamespace(
  kubeconfig: string,
  prefix: string,
): Promise<TestNamespace> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const name = `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await core.createNamespace({
    body: { metadata: { name, labels: { 'containerops.test': 'true' } } },
  });
  return {
    name,
    core,
    batch,
    delete: async () => {
      await core.deleteNamespace({ name, propagationPolicy: 'Background' }).catch(() => undefined);
    },
  };
}
