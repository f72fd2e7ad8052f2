/**
 * @containerops/core — the engine: workflow model, parser and validator, component contract, run
 * state machine and scheduler. No I/O libraries: orchestrators, stores and hooks come in through
 * the interfaces it defines.
 */
export * from './errors.js';
export * from './definition/index.js';
export * from './units/index.js';
export * from './contract/index.js';
export * from './component/index.js';
export * from './orchestrator/index.js';
export * from './engine/index.js';
export * from './stores/index.js';
