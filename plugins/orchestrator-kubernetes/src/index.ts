/**
 * @containerops/orchestrator-kubernetes — the `kubernetes` orchestrator: each job attempt is one
 * `batch/v1` Job, each run's workspace one PersistentVolumeClaim, status from watches, logs from
 * `pods/log`.
 */
export { createKubernetesOrchestrator, KubernetesOrchestrator } from './kubernetes-orchestrator.js';
export type { KubernetesOrchestratorOptions, WorkspaceMode } from './kubernetes-options.js';
export { workspaceModes } from './kubernetes-options.js';
export { kubernetesConfigSchema, kubernetesOrchestratorPlugin } from './plugin.js';
export { kubernetesApiCalls } from './api-calls.js';
export type { ApiCallListener, KubernetesApiCall, KubernetesApiCallName } from './api-calls.js';
export {
  CONTAINER_OUTPUT,
  jobAnnotations,
  jobEnv,
  jobLabels,
  jobManifest,
  workspaceClaim,
} from './job-manifest.js';
export { containerResources, cpuQuantity, memoryQuantity } from './quantities.js';
export { jobState } from './job-status.js';
export type { JobState, StateFacts } from './job-status.js';
export { WORKSPACE_PATH, jobName, workflowNamespace, workspaceClaimName } from './names.js';
