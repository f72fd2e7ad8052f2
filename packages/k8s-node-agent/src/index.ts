export { startNodeAgent } from './agent.js';
export type { NodeAgent, NodeAgentOptions } from './agent.js';
export { parseTaint } from './main.js';
export type { NodeTaint } from './node-registration.js';
export { storageClassName, provisionerName } from './provisioner.js';
export { labels as containerLabels, containerNamePrefix } from './container-spec.js';
