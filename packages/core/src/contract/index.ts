/**
 * The component contract (docs/design.md §3): how a job's input is passed (`CO_DATA`, `CO_<KEY>`,
 * links, metadata), how its outputs and result are read (`[COUT]`, `$CO_OUTPUT`, `CO_RESULT`),
 * and how secrets are resolved and masked. Pure functions and small classes, no I/O.
 */
export * from './co-data.js';
export * from './input-env-name.js';
export * from './job-env.js';
export * from './cout.js';
export * from './output-file.js';
export * from './output-collector.js';
export * from './result.js';
export * from './secret-masker.js';
export * from './secret-refs.js';
export * from './run-inputs.js';
