/**
 * @containerops/trigger-gitlab — GitLab webhooks start workflows. See README.md for the trigger
 * block, the `CO_TRIGGER_*` values and the answers.
 */
export { GitlabTrigger, EVENT_HEADER, EVENT_UUID_HEADER } from './gitlab-trigger.js';
export type { GitlabTriggerConfig } from './gitlab-trigger.js';
export { gitlabEventOf } from './events.js';
export type { GitlabEvent, GitlabEventKind } from './events.js';
export { TOKEN_HEADER } from './token.js';
export { gitlabTriggerConfig, gitlabTriggerPlugin } from './plugin.js';
export { gitlabTriggerPlugin as default } from './plugin.js';
