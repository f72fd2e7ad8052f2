/**
 * @containerops/cli — the `containerops` command. The programmatic surface is small: `main` (what
 * the bin runs), the orchestrator registry, for hosts that embed the CLI's choices, and the
 * component builder behind `containerops component build`.
 */
export { main } from './main.js';
export type { CliIo, OutputStream } from './io.js';
export { orchestratorRegistry, selectOrchestrator } from './orchestrators/registry.js';
export type { OrchestratorEntry } from './orchestrators/registry.js';
export * from './components/index.js';
