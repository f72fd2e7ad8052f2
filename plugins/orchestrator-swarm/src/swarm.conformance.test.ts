/**
 * The SDK's orchestrator conformance suite against the single-node swarm of this machine's Docker
 * engine. No registry is reachable here: the image is built locally by
 * scripts/docker/build-base-images.sh, and imagePolicy "local" runs it by id, so no task ever
 * tries a registry.
 */
import { describe, it } from 'vitest';
import { describeOrchestratorConformance } from '@containerops/sdk/testing';
import { createSwarmOrchestrator } from './swarm-orchestrator.js';
import { requireSwarm } from './testing/require-swarm.js';

const image = 'containerops/busybox:latest';
const swarm = await requireSwarm({ images: [image] });

if (swarm.available) {
  describeOrchestratorConformance({
    name: 'swarm',
    create: () => createSwarmOrchestrator({ stopGraceMs: 2_000, pollIntervalMs: 100 }),
    image,
  });
} else {
  describe('orchestrator conformance: swarm', () => {
    it.skip(`skipped: ${swarm.reason ?? 'no Docker Swarm'}`, () => undefined);
  });
}
