/**
 * The orchestrator conformance suite: one set of vitest cases every orchestrator runs, so the
 * backends cannot drift apart. Cases a backend cannot support are skipped by its declared
 * `capabilities`, with the reason in the test title.
 */
import { describe } from 'vitest';
import { registerControlCases } from './control-cases.js';
import { registerEngineCases } from './engine-cases.js';
import { ConformanceHarness } from './harness.js';
import type { OrchestratorConformanceOptions } from './harness.js';
import { registerLifecycleCases } from './lifecycle-cases.js';

/**
 * Registers the suite as `describe('orchestrator conformance: <name>')`, with three sections:
 * job lifecycle (exit codes, logs, output file, env, workspace), job control (stop, kill after
 * grace, idempotency, missing image, OOM, reattach) and the engine running small workflows on the
 * orchestrator.
 *
 * Call it at the top level of a test file. `create` runs once while vitest collects the file (the
 * capabilities decide what is skipped), and every case shares that instance; cases use fresh run
 * and job ids and clean up after themselves, so they may run against a shared backend. Jobs are
 * `sh -c` scripts (see `behaviourJob`), so container backends need `options.image` with a POSIX sh.
 *
 * ```ts
 * describeOrchestratorConformance({ name: 'docker', create: () => createDockerOrchestrator(), image: 'busybox:local' });
 * ```
 */
export function describeOrchestratorConformance(options: OrchestratorConformanceOptions): void {
  describe(`orchestrator conformance: ${options.name}`, async () => {
    const harness = new ConformanceHarness(await options.create(), options);
    describe('job lifecycle', () => registerLifecycleCases(harness));
    describe('job control', () => registerControlCases(harness));
    describe('engine on this orchestrator', () => registerEngineCases(harness));
  });
}
