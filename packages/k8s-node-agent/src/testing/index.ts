export { requireKubernetes, testClusterDir } from './require-kubernetes.js';
export type { KubernetesGate, RequireKubernetesOptions } from './require-kubernetes.js';
