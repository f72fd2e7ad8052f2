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
export { DEFAULT_INPUT_LIMITS, checkInputLimits } from './input-limits.js';
export type { InputLimits, LimitViolation } from './input-limits.js';
export { suggest } from './suggest.js';
export * from './fan-out-limits.js';
