/**
 * @containerops/trigger-github — GitHub webhooks start workflows. See README.md for the trigger
 * block, the `CO_TRIGGER_*` values and the answers.
 */
export { GithubTrigger, DELIVERY_HEADER, EVENT_HEADER } from './github-trigger.js';
export type { GithubTriggerConfig } from './github-trigger.js';
export { githubEventOf } from './events.js';
export type { GithubEvent, GithubEventKind } from './events.js';
export { signGithubPayload, verifyGithubSignature, SIGNATURE_HEADER } from './signature.js';
export { githubTriggerConfig, githubTriggerPlugin } from './plugin.js';
export { githubTriggerPlugin as default } from './plugin.js';
