/** Helpers for trigger plugins: lifecycle bookkeeping, webhook answers, firing subscribers. */
export { TriggerLifecycle, WebhookTrigger } from './trigger-lifecycle.js';
export { jsonObjectOf, jsonResponse, refusal } from './responses.js';
export { fireMatching } from './fire-matching.js';
export type { MatchingFire } from './fire-matching.js';
