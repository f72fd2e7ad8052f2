/**
 * @containerops/orchestrator-docker — the `docker` orchestrator: each job attempt is one container,
 * each run's workspace one named volume. Also exports the Docker log-stream helpers (demuxing,
 * line assembly, resume), the output-file archive helpers, the client factory and the test gate,
 * which the swarm orchestrator reuses.
 */
export { createDockerOrchestrator } from './docker-orchestrator.js';
export { DEFAULT_SOCKET_PATH, createDockerClient } from './docker-options.js';
export type { DockerOrchestratorOptions } from './docker-options.js';
export { dockerConfigSchema, dockerOrchestratorPlugin } from './plugin.js';
export { pullPolicies } from './image/image-provider.js';
export type { PullPolicy } from './image/image-provider.js';
export { credentialsFor, registryOf, splitImageReference } from './image/image-ref.js';
export type { RegistryCredentials } from './image/image-ref.js';
export {
  CONTAINER_OUTPUT,
  CONTAINER_WORKSPACE,
  containerCreateOptions,
  containerLabels,
  containerName,
  resourceHostConfig,
  workspaceVolumeName,
} from './container-spec.js';
export type { ContainerContext, ResourceHostConfig } from './container-spec.js';
export { REMOVED_OUTSIDE, exitFromState } from './container-exit.js';
export { isContainerGone } from './docker-objects.js';
export type { ContainerExitState } from './container-exit.js';
export {
  DockerErrorCode,
  dockerMessage,
  dockerStatus,
  isConnectionError,
  isNotFound,
  toOrchestratorError,
} from './docker-errors.js';
export { DockerStreamDemuxer } from './logs/stream-demuxer.js';
export type { DockerFrame, DockerFrameStream } from './logs/stream-demuxer.js';
export { LineAssembler } from './logs/line-assembler.js';
export type { LineAssemblerOptions } from './logs/line-assembler.js';
export { parseDockerTimestamp, splitTimestamp } from './logs/docker-timestamp.js';
export { createResumeFilter, dockerSinceSeconds } from './logs/log-resume.js';
export {
  DockerLogStreamError,
  assembleLogLines,
  readDockerLogStream,
} from './logs/read-log-stream.js';
export type { DockerLogBody, ReadLogStreamOptions } from './logs/read-log-stream.js';
export { LogProgress } from './logs/log-progress.js';
export { followContainerLogs } from './logs/follow-container-logs.js';
export { containerLogSource } from './logs/container-log-source.js';
export type { ContainerLogSource } from './logs/follow-container-logs.js';
export {
  MAX_OUTPUT_FILE_BYTES,
  outputSeedArchive,
  readOutputFile,
  seedOutputFile,
} from './output/output-file.js';
export { createTar, readFirstFile } from './output/tar.js';
export type { TarEntry } from './output/tar.js';
export { requireDocker } from './testing/require-docker.js';
export type { DockerGate, RequireDockerOptions } from './testing/require-docker.js';
