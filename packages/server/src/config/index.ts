export * from './server-config.js';
export { INVALID_CONFIG } from './config-error.js';
export { loadServerConfig, resolveServerConfig } from './resolve-config.js';
export type { LoadConfigOptions } from './resolve-config.js';
export { ENV_SETTINGS, parseConfigFile } from './config-sources.js';
export type { SettingKey } from './config-sources.js';
