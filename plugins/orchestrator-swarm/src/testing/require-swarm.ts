import { requireDocker } from '@containerops/orchestrator-docker';
import type { DockerGate, RequireDockerOptions } from '@containerops/orchestrator-docker';
import { createSwarmOrchestrator } from '../swarm-orchestrator.js';

/**
 * The gate of Swarm-backed test files: the docker plugin's gate (engine answers, images exist),
 * then the engine must be an active swarm manager speaking API 1.41+.
 * ```ts
 * const swarm = await requireSwarm({ images: ['containerops/busybox:latest'] });
 * describe.skipIf(!swarm.available)('...', () => { ... });
 * ```
 * With `CI=true` it THROWS when anything is missing, so the test file fails (CI must not pass by
 * skipping); otherwise it prints why on stderr and returns `{ available: false }`.
 */
export async function requireSwarm(options: RequireDockerOptions = {}): Promise<DockerGate> {
  const docker = await requireDocker(options);
  if (!docker.available) return docker;
  const availability = await createSwarmOrchestrator(
    options.socketPath === undefined ? {} : { socketPath: options.socketPath },
  ).isAvailable();
  if (availability.available) return { available: true };
  const reason = availability.reason ?? 'the swarm orchestrator is not available';
  if (process.env['CI'] === 'true') throw new Error(`Docker Swarm required in CI: ${reason}`);
  process.stderr.write(`[swarm tests skipped] ${reason}\n`);
  return { available: false, reason };
}
