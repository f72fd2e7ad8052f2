/** @containerops/notifier-mail — an HTML and text run summary over SMTP. See README.md. */
export { MailNotifier } from './mail-notifier.js';
export type { MailNotifierConfig } from './mail-notifier.js';
export { mailContent } from './mail-content.js';
export type { MailContent } from './mail-content.js';
export { mailNotifierConfig, mailNotifierPlugin } from './plugin.js';
export { mailNotifierPlugin as default } from './plugin.js';
