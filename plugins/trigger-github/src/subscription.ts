/**
 * A workflow's `github` trigger block (read and matched by `@containerops/git-trigger-kit`):
 *
 * ```yaml
 * triggers:
 *   - type: github
 *     repository: acme/payments        # owner/name, required
 *     events: [push, pull_request]     # push, tag, pull_request, release; default push + pull_request
 *     branches: [main, 'release/**']   # pushed branch, or the pull request's base branch
 *     tags: ['v*']                     # tag pushes and releases
 *     paths: ['src/**', '!**\/*.md']    # files a push changed (pull request payloads list none)
 * ```
 */
import type { GitBlockRules } from '@containerops/git-trigger-kit';
import type { GithubEventKind } from './events.js';
import { GITHUB_EVENT_KINDS } from './events.js';

export const GITHUB_BLOCK: GitBlockRules<GithubEventKind> = {
  repositoryField: 'repository',
  repositoryPattern: /^[^/\s]+\/[^/\s]+$/,
  repositoryProblem: 'repository must be "owner/name"',
  eventKinds: GITHUB_EVENT_KINDS,
  defaultEvents: ['push', 'pull_request'],
};
