export * from './model.js';
export * from './diagnostics.js';
export * from './parse-result.js';
export * from './parse-workflow.js';
export * from './subscription-key.js';
export * from './templates.js';
export {
  ENV_NAME_PATTERN,
  NAME_PATTERN,
  imageBaseName,
  componentBaseName,
  isValidEnvName,
  isValidName,
} from './names.js';
export * from './job-order.js';
export * from './defaults.js';
