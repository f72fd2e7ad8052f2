/**
 * A fresh namespace for one test file, deleted afterwards with everything in it, so test files
 * (and runs) never see each other's objects.
 */
import type { KubeHttp } from './kube-http.js';

export interface ScratchNamespace {
  readonly name: string;
  delete(): Promise<void>;
}

export async function createScratchNamespace(
  kube: KubeHttp,
  prefix: string,
): Promise<ScratchNamespace> {
  const name = `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const created = await kube.call('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'containerops.test': 'true' } },
  });
  if (created.status !== 201)
    throw new Error(`cannot create namespace ${name}: ${JSON.stringify(created.body)}`);
  return {
    name,
    delete: async () => {
      await kube.call('DELETE', `/api/v1/namespaces/${name}?propagationPolicy=Background`);
    },
  };
}
