/**
 * A git trigger block (`github`, `gitlab`...) read from a workflow and matched against an event.
 * Every git host's block has the same fields but the repository's name and the event kinds:
 *
 * ```yaml
 * triggers:
 *   - type: github                     # the plugin's name
 *     repository: acme/payments        # the field and its form are the plugin's (GitLab: project)
 *     events: [push, pull_request]     # kinds of the plugin; its default when absent
 *     branches: [main, 'release/**']   # pushed branch, or the pull/merge request's target
 *     tags: ['v*']                     # tag pushes (and GitHub releases)
 *     paths: ['src/**', '!**\/*.md']    # files a push changed (request payloads list none)
 * ```
 */
import type { TriggerSubscription } from '@containerops/sdk';
import type { GlobList } from './glob-filters.js';
import { anyPathPasses, globListOf, passes } from './glob-filters.js';

/** What one git host's blocks look like. */
export interface GitBlockRules<Kind extends string> {
  /** The field naming the repository (`repository`, `project`). */
  readonly repositoryField: string;
  readonly repositoryPattern: RegExp;
  /** The message when the field does not match the pattern. */
  readonly repositoryProblem: string;
  /** Every kind `events:` may list. */
  readonly eventKinds: readonly Kind[];
  /** The kinds when `events:` is absent. */
  readonly defaultEvents: readonly Kind[];
}

export interface GitBlock<Kind extends string> {
  readonly workflow: string;
  /** Lower-cased: git hosts compare repository names without case. */
  readonly repository: string;
  readonly events: ReadonlySet<Kind>;
  readonly branches: GlobList;
  readonly tags: GlobList;
  readonly paths: GlobList;
}

/** What a git event shows the filters. */
export interface GitEvent<Kind extends string> {
  readonly kind: Kind;
  /** The branch the filters look at: the pushed one, or the pull/merge request's target. */
  readonly branch?: string;
  readonly tag?: string;
  /** Files the push changed; undefined when the payload lists none. */
  readonly changedPaths?: readonly string[];
  /** The `trigger.*` values (`CO_TRIGGER_*` in every job). */
  readonly values: Readonly<Record<string, string>>;
}

/** A payload that starts nothing, and why (answered 202, recorded with the delivery). */
export interface Ignored {
  readonly ignored: string;
}

/** The block of a subscription, or a message saying what is wrong with it. */
export function gitBlockOf<Kind extends string>(
  subscription: TriggerSubscription,
  rules: GitBlockRules<Kind>,
): GitBlock<Kind> | string {
  const t = subscription.trigger;
  const repository = t[rules.repositoryField];
  if (typeof repository !== 'string' || !rules.repositoryPattern.test(repository))
    return rules.repositoryProblem;
  const rawEvents = t['events'] ?? rules.defaultEvents;
  const list = typeof rawEvents === 'string' ? [rawEvents] : rawEvents;
  if (!Array.isArray(list) || list.some((e) => !rules.eventKinds.includes(e as Kind)))
    return `events must list some of ${rules.eventKinds.join(', ')}`;
  const branches = globListOf(t['branches'], 'branches');
  const tags = globListOf(t['tags'], 'tags');
  const paths = globListOf(t['paths'], 'paths');
  for (const filter of [branches, tags, paths]) if (typeof filter === 'string') return filter;
  return {
    workflow: subscription.workflow,
    repository: repository.toLowerCase(),
    events: new Set(list as Kind[]),
    branches: branches as GlobList,
    tags: tags as GlobList,
    paths: paths as GlobList,
  };
}

/** Undefined when the block wants the event of `repository`; else why not. */
export function whyNotGitEvent<Kind extends string>(
  block: GitBlock<Kind>,
  repository: string,
  event: GitEvent<Kind>,
  rules: GitBlockRules<Kind>,
): string | undefined {
  if (block.repository !== repository.toLowerCase()) return `another ${rules.repositoryField}`;
  if (!block.events.has(event.kind)) return `${event.kind} is not in its events`;
  if (event.branch !== undefined && !passes(block.branches, event.branch))
    return `branch ${event.branch} is filtered out`;
  if (event.tag !== undefined && !passes(block.tags, event.tag))
    return `tag ${event.tag} is filtered out`;
  if (event.changedPaths !== undefined && !anyPathPasses(block.paths, event.changedPaths))
    return 'no changed path matches its paths';
  return undefined;
}
