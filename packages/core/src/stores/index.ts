export * from './memory-run-store.js';
export * from './memory-log-sink.js';
