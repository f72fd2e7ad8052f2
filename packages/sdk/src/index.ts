/**
 * @containerops/sdk — what plugin authors import: every contract of `@containerops/core` (the
 * orchestrator lifecycle, model types, errors, `JobLabel`...), plugin definitions with version
 * checks, and the interfaces of the other plugin kinds. Conformance suites and the fake
 * orchestrator are in `@containerops/sdk/testing`.
 */
export * from '@containerops/core';

export { definePlugin, pluginKinds, SDK_VERSION } from './plugin/definition.js';
export type { PluginDefinition, PluginKind, PluginKindMap } from './plugin/definition.js';
export { checkPluginCompatibility, createPluginInstance } from './plugin/compatibility.js';
export {
  configSettings,
  isConfigObject,
  millisecondsSetting,
  noConfig,
} from './plugin/config-schema.js';
export type { ConfigSchema, InferConfig } from './plugin/config-schema.js';
export { silentLogger } from './plugin/context.js';
export type { PluginContext, PluginLogger } from './plugin/context.js';
export type { HealthReporting, HealthStatus, PluginHealth } from './plugin/health.js';
export { compareVersions, isValidRange, parseVersion, satisfies } from './plugin/semver.js';
export type { SemVer } from './plugin/semver.js';

export type { LogStore } from './kinds/log-store.js';
export { TRIGGER_ENV_PREFIX, triggerEnv, triggerEnvName } from './kinds/trigger-values.js';
export type {
  TriggerContext,
  TriggerFireOptions,
  TriggerFireResult,
  TriggerHttpRequest,
  TriggerHttpResponse,
  TriggerInfo,
  TriggerPlugin,
  TriggerSubscription,
} from './kinds/trigger.js';
export type {
  FailedJobSummary,
  NotifierPlugin,
  ReceiverFilter,
  RunNotification,
} from './kinds/notifier.js';
export { formatDuration, summarizeRun } from './kinds/run-summary.js';
export type { RunSummary } from './kinds/run-summary.js';
export type { HookPlugin, HookProblem } from './kinds/hook.js';
export {
  TriggerLifecycle,
  WebhookTrigger,
  fireMatching,
  jsonObjectOf,
  jsonResponse,
  refusal,
} from './webhooks/index.js';
export type { MatchingFire } from './webhooks/index.js';
