/**
 * @containerops/git-trigger-kit — what the triggers of git hosts (`trigger-github`,
 * `trigger-gitlab`) share: the trigger block with its glob filters, the webhook skeleton after a
 * delivery is checked, and payload field readers. A library, not a plugin: it defines none.
 */
export { anyPathPasses, globListOf, passes } from './glob-filters.js';
export type { GlobList } from './glob-filters.js';
export { gitBlockOf, whyNotGitEvent } from './git-block.js';
export type { GitBlock, GitBlockRules, GitEvent, Ignored } from './git-block.js';
export { checkDelivery, isAnswer } from './delivery-checks.js';
export type { CheckedDelivery, DeliveryRules } from './delivery-checks.js';
export { GitWebhookTrigger } from './git-webhook-trigger.js';
export type { GitDelivery } from './git-webhook-trigger.js';
export { changedPathsOf, obj, pushedRefOf, str } from './payload-fields.js';
export type { Json } from './payload-fields.js';
