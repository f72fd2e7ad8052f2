/** @containerops/notifier-webhook — a signed JSON POST of the run summary. See README.md. */
export { WebhookNotifier } from './webhook-notifier.js';
export type { WebhookNotifierConfig } from './webhook-notifier.js';
export {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signNotification,
} from './signature.js';
export { webhookNotifierConfig, webhookNotifierPlugin } from './plugin.js';
export { webhookNotifierPlugin as default } from './plugin.js';
