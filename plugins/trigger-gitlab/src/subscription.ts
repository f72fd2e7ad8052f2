/**
 * A workflow's `gitlab` trigger block (read and matched by `@containerops/git-trigger-kit`):
 *
 * ```yaml
 * triggers:
 *   - type: gitlab
 *     project: acme/payments           # group/project (path_with_namespace), required
 *     events: [push, merge_request]    # push, tag, merge_request; default push + merge_request
 *     branches: [main, 'release/**']   # pushed branch, or the merge request's target branch
 *     tags: ['v*']                     # tag pushes
 *     paths: ['src/**']                # files a push changed (merge request payloads list none)
 * ```
 */
import type { GitBlockRules } from '@containerops/git-trigger-kit';
import type { GitlabEventKind } from './events.js';
import { GITLAB_EVENT_KINDS } from './events.js';

export const GITLAB_BLOCK: GitBlockRules<GitlabEventKind> = {
  repositoryField: 'project',
  repositoryPattern: /^[^/\s]+(\/[^/\s]+)+$/,
  repositoryProblem: 'project must be "group/project" (subgroups allowed)',
  eventKinds: GITLAB_EVENT_KINDS,
  defaultEvents: ['push', 'merge_request'],
};
