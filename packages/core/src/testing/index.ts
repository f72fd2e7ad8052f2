/**
 * `@containerops/core/testing`: test doubles for the engine and for plugin conformance suites.
 * Not part of the runtime surface; import it from tests only.
 */
export { FakeOrchestrator } from './fake-orchestrator.js';
export type { FakeOrchestratorOptions } from './fake-orchestrator.js';
export { FakeEnv, parseFakeScript } from './fake-protocol.js';
export type { FakeScript } from './fake-protocol.js';
