/**
 * The SDK's orchestrator conformance suite against the real Docker engine of this machine.
 * No registry is reachable here: the image is built locally by scripts/docker/build-base-images.sh,
 * and pullPolicy "never" keeps the missing-image case from trying a registry (a DNS lookup).
 */
import { describe, it } from 'vitest';
import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { createDockerOrchestrator } from './docker-orchestrator.js';
import { requireDocker } from './testing/require-docker.js';

const image = 'containerops/busybox:latest';
const docker = await requireDocker({ images: [image] });

if (docker.available) {
  describeOrchestratorConformance({
    name: 'docker',
    create: () => createDockerOrchestrator({ pullPolicy: 'never', stopGraceMs: 2_000 }),
    image,
  });
} else {
  describe('orchestrator conformance: docker', () => {
    it.skip(`skipped: ${docker.reason ?? 'no Docker engine'}`, () => undefined);
  });
}
