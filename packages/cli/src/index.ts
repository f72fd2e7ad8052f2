/**
 * @containerops/cli — the `containerops` command. The programmatic surface is small: `main` (what
 * the bin runs), the orchestrator choice over a plugin host, for hosts that embed the CLI's choices, and the
 * component builder behind `containerops component build`.
 */
export { main } from './main.js';
export type { CliIo, OutputStream } from './io.js';
export { selectOrchestrator } from './orchestrators/select-orchestrator.js';
export * from './components/index.js';
