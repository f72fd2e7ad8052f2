/**
 * The SDK's orchestrator conformance suite against the real Docker engine of this machine.
 * No registry is reachable here: the image is built locally by scripts/docker/build-base-images.sh,
 * and pullPolicy "never" keeps the missing-image case from trying a registry (a DNS lookup).
 */
import { describe, it } from 'vitest';
import { workspaceOwner } from '@containerops/sdk';
import type { JobSpec } from '@containerops/sdk';
import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { containerCreateOptions, workspaceVolumeName } from './container-spec.js';
import { createDockerClient } from './docker-options.js';
import { createDockerOrchestrator } from './docker-orchestrator.js';
import { requireDocker } from './testing/require-docker.js';

const image = 'containerops/busybox:latest';
const docker = await requireDocker({ images: [image] });

/** What start() leaves when the engine dies right after Docker's `create`: a container, never started. */
async function createUnstarted(spec: JobSpec): Promise<void> {
  const { docker: client } = createDockerClient({});
  await client.createContainer(
    containerCreateOptions(spec, {
      workspaceVolume: workspaceVolumeName(workspaceOwner(spec)),
      network: 'bridge',
      stopGraceMs: 2_000,
      init: true,
    }),
  );
}

if (docker.available) {
  describeOrchestratorConformance({
    name: 'docker',
    create: () => createDockerOrchestrator({ pullPolicy: 'never', stopGraceMs: 2_000 }),
    image,
    createUnstarted,
  });
} else {
  describe('orchestrator conformance: docker', () => {
    it.skip(`skipped: ${docker.reason ?? 'no Docker engine'}`, () => undefined);
  });
}
