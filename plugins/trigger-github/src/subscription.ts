/**
 * A workflow's `github` trigger block, read and matched against an event:
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
import type { TriggerSubscription } from '@containerops/sdk';
import type { GithubEvent, GithubEventKind } from './events.js';
import { GITHUB_EVENT_KINDS } from './events.js';
import type { GlobList } from './filters.js';
import { anyPathPasses, globListOf, passes } from './filters.js';

export interface GithubBlock {
  readonly workflow: string;
  readonly repository: string;
  readonly events: ReadonlySet<GithubEventKind>;
  readonly branches: GlobList;
  readonly tags: GlobList;
  readonly paths: GlobList;
}

const DEFAULT_EVENTS: readonly GithubEventKind[] = ['push', 'pull_request'];

/** The block of a subscription, or a message saying what is wrong with it. */
export function githubBlockOf(subscription: TriggerSubscription): GithubBlock | string {
  const t = subscription.trigger;
  const repository = t['repository'];
  if (typeof repository !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(repository))
    return 'repository must be "owner/name"';
  const rawEvents = t['events'] ?? DEFAULT_EVENTS;
  const list = typeof rawEvents === 'string' ? [rawEvents] : rawEvents;
  if (!Array.isArray(list) || list.some((e) => !GITHUB_EVENT_KINDS.includes(e as GithubEventKind)))
    return `events must list some of ${GITHUB_EVENT_KINDS.join(', ')}`;
  const branches = globListOf(t['branches'], 'branches');
  const tags = globListOf(t['tags'], 'tags');
  const paths = globListOf(t['paths'], 'paths');
  for (const filter of [branches, tags, paths]) if (typeof filter === 'string') return filter;
  return {
    workflow: subscription.workflow,
    repository: repository.toLowerCase(),
    events: new Set(list as GithubEventKind[]),
    branches: branches as GlobList,
    tags: tags as GlobList,
    paths: paths as GlobList,
  };
}

/** Undefined when the block wants the event; else why not. */
export function whyNot(block: GithubBlock, event: GithubEvent): string | undefined {
  if (block.repository !== event.repository.toLowerCase()) return 'another repository';
  if (!block.events.has(event.kind)) return `${event.kind} is not in its events`;
  if (event.branch !== undefined && !passes(block.branches, event.branch))
    return `branch ${event.branch} is filtered out`;
  if (event.tag !== undefined && !passes(block.tags, event.tag))
    return `tag ${event.tag} is filtered out`;
  if (event.changedPaths !== undefined && !anyPathPasses(block.paths, event.changedPaths))
    return 'no changed path matches its paths';
  return undefined;
}
