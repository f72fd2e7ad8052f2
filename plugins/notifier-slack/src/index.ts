/** @containerops/notifier-slack — a Block Kit message through an incoming webhook. See README.md. */
export { SlackNotifier } from './slack-notifier.js';
export type { SlackNotifierConfig } from './slack-notifier.js';
export { slackMessage } from './block-kit.js';
export { slackNotifierConfig, slackNotifierPlugin } from './plugin.js';
export { slackNotifierPlugin as default } from './plugin.js';
