export * from './orchestrator.js';
export * from './orchestrator-error.js';
export * from './labels.js';
