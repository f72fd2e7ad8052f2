import type Dockerode from 'dockerode';
import { readOutputFile } from '@containerops/orchestrator-docker';
import { CONTAINER_OUTPUT } from './service-spec.js';

/**
 * Reads `$CO_OUTPUT` from the task's (stopped) container through the archive API, which Docker
 * serves only for containers of its own node. Returns `undefined` when the file is absent or
 * empty (the job wrote no outputs). Must run before the service is removed (Swarm then removes
 * the container). Swarm creates and starts the container itself, so the file lives at the
 * swarm plugin's own path; reading it is the docker plugin's (cap included).
 */
export function readContainerOutput(container: Dockerode.Container): Promise<string | undefined> {
  return readOutputFile(container, CONTAINER_OUTPUT);
}
