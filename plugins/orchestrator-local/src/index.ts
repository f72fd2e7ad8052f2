/**
 * @containerops/orchestrator-local — runs jobs' commands as local child processes.
 */
export { createLocalOrchestrator, LocalOrchestrator } from './local-orchestrator.js';
export type { LocalOrchestratorOptions, LocalSpawnMode } from './local-orchestrator.js';
export { localOrchestratorConfig, localOrchestratorPlugin } from './plugin.js';
export { DEFAULT_MAX_LINE_CHARS, LineSplitter } from './line-splitter.js';
export type { SplitLines } from './line-splitter.js';
