/**
 * @containerops/orchestrator-swarm — the `swarm` orchestrator: each job attempt is one Docker
 * Swarm service in `replicated-job` mode, each run's workspace one named volume. Log streams,
 * Docker error mapping and the tar reader come from `@containerops/orchestrator-docker`.
 */
export { createSwarmOrchestrator } from './swarm-orchestrator.js';
export type { SwarmOrchestratorOptions } from './swarm-options.js';
export { swarmConfigSchema, swarmOrchestratorPlugin } from './plugin.js';
export { swarmImagePolicies } from './image-resolver.js';
export type { SwarmImagePolicy } from './image-resolver.js';
export { swarmLogSources } from './job-logs.js';
export type { SwarmLogSource } from './job-logs.js';
export {
  CONTAINER_OUTPUT,
  serviceCreateOptions,
  serviceLabels,
  serviceResources,
} from './service-spec.js';
export type { ServiceContext } from './service-spec.js';
export { WORKSPACE_PATH, serviceName, workspaceVolumeName } from './names.js';
export { unschedulableReason } from './capacity.js';
export { exitFromTask } from './task-exit.js';
export { requireSwarm } from './testing/require-swarm.js';
