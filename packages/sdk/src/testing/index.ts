/**
 * `@containerops/sdk/testing`: what plugin tests need. The orchestrator conformance suite, the
 * portable job builder it uses, the fake orchestrator (re-exported from core), and the log store
 * conformance suite with its line builders, and the trigger, notifier and hook conformance suites
 * with their test doubles (`RecordingTriggerContext`, `sampleNotification`).
 * Needs vitest (an optional peer dependency of the SDK); import it from tests only.
 */
export { FakeEnv, FakeOrchestrator, parseFakeScript } from '@containerops/core/testing';
export type { FakeOrchestratorOptions, FakeScript } from '@containerops/core/testing';
export { behaviourEnv, behaviourJob, behaviourScript, shellQuote } from './behaviour-job.js';
export type { JobBehaviour, JobSpecInput } from './behaviour-job.js';
export { describeOrchestratorConformance } from './conformance/orchestrator-conformance.js';
export { ConformanceHarness, textsOf } from './conformance/harness.js';
export { describeLogStoreConformance } from './conformance/log-store-conformance.js';
export { logLine, logLines } from './conformance/log-store-harness.js';
export type {
  LogStoreConformanceOptions,
  LogStoreFactory,
  LogStoreUnderTest,
} from './conformance/log-store-harness.js';
export type {
  JobOutcome,
  LogFollower,
  OrchestratorConformanceOptions,
} from './conformance/harness.js';
export { describeTriggerConformance } from './conformance/trigger-conformance.js';
export type {
  TriggerConformanceOptions,
  TriggerFactory,
  TriggerUnderTest,
} from './conformance/trigger-conformance.js';
export { RecordingTriggerContext } from './recording-trigger-context.js';
export type { RecordedFire } from './recording-trigger-context.js';
export {
  describeNotifierConformance,
  sampleNotification,
} from './conformance/notifier-conformance.js';
export type { NotifierFactory, NotifierUnderTest } from './conformance/notifier-conformance.js';
export { describeHookConformance } from './conformance/hook-conformance.js';
export type {
  HookConformanceOptions,
  HookConformanceScripts,
  HookFactory,
} from './conformance/hook-conformance.js';
export { HttpStandIn } from './http-stand-in.js';
export type { RecordedRequest } from './http-stand-in.js';
