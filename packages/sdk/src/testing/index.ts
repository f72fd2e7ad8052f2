/**
 * `@containerops/sdk/testing`: what plugin tests need. The orchestrator conformance suite, the
 * portable job builder it uses, and the fake orchestrator (re-exported from core).
 * Needs vitest (an optional peer dependency of the SDK); import it from tests only.
 */
export { FakeEnv, FakeOrchestrator, parseFakeScript } from '@containerops/core/testing';
export type { FakeOrchestratorOptions, FakeScript } from '@containerops/core/testing';
export { behaviourEnv, behaviourJob, behaviourScript, shellQuote } from './behaviour-job.js';
export type { JobBehaviour, JobSpecInput } from './behaviour-job.js';
export { describeOrchestratorConformance } from './conformance/orchestrator-conformance.js';
export { ConformanceHarness, textsOf } from './conformance/harness.js';
export type {
  JobOutcome,
  LogFollower,
  OrchestratorConformanceOptions,
} from './conformance/harness.js';
