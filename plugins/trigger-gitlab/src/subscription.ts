/**
 * A workflow's `gitlab` trigger block, read and matched against an event:
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
import type { TriggerSubscription } from '@containerops/sdk';
import type { GitlabEvent, GitlabEventKind } from './events.js';
import { GITLAB_EVENT_KINDS } from './events.js';
import type { GlobList } from './filters.js';
import { anyPathPasses, globListOf, passes } from './filters.js';

export interface GitlabBlock {
  readonly workflow: string;
  readonly repository: string;
  readonly events: ReadonlySet<GitlabEventKind>;
  readonly branches: GlobList;
  readonly tags: GlobList;
  readonly paths: GlobList;
}

const DEFAULT_EVENTS: readonly GitlabEventKind[] = ['push', 'merge_request'];

/** The block of a subscription, or a message saying what is wrong with it. */
export function gitlabBlockOf(subscription: TriggerSubscription): GitlabBlock | string {
  const t = subscription.trigger;
  const repository = t['project'];
  if (typeof repository !== 'string' || !/^[^/\s]+(\/[^/\s]+)+$/.test(repository))
    return 'project must be "group/project" (subgroups allowed)';
  const rawEvents = t['events'] ?? DEFAULT_EVENTS;
  const list = typeof rawEvents === 'string' ? [rawEvents] : rawEvents;
  if (!Array.isArray(list) || list.some((e) => !GITLAB_EVENT_KINDS.includes(e as GitlabEventKind)))
    return `events must list some of ${GITLAB_EVENT_KINDS.join(', ')}`;
  const branches = globListOf(t['branches'], 'branches');
  const tags = globListOf(t['tags'], 'tags');
  const paths = globListOf(t['paths'], 'paths');
  for (const filter of [branches, tags, paths]) if (typeof filter === 'string') return filter;
  return {
    workflow: subscription.workflow,
    repository: repository.toLowerCase(),
    events: new Set(list as GitlabEventKind[]),
    branches: branches as GlobList,
    tags: tags as GlobList,
    paths: paths as GlobList,
  };
}

/** Undefined when the block wants the event; else why not. */
export function whyNot(block: GitlabBlock, event: GitlabEvent): string | undefined {
  if (block.repository !== event.project.toLowerCase()) return 'another project';
  if (!block.events.has(event.kind)) return `${event.kind} is not in its events`;
  if (event.branch !== undefined && !passes(block.branches, event.branch))
    return `branch ${event.branch} is filtered out`;
  if (event.tag !== undefined && !passes(block.tags, event.tag))
    return `tag ${event.tag} is filtered out`;
  if (event.changedPaths !== undefined && !anyPathPasses(block.paths, event.changedPaths))
    return 'no changed path matches its paths';
  return undefined;
}
