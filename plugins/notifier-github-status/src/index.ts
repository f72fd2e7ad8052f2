/** @containerops/notifier-github-status — commit statuses for runs started by GitHub. See README.md. */
export { GithubStatusNotifier } from './github-status-notifier.js';
export type { GithubStatusConfig } from './github-status-notifier.js';
export { githubStatusConfig, githubStatusNotifierPlugin } from './plugin.js';
export { githubStatusNotifierPlugin as default } from './plugin.js';
