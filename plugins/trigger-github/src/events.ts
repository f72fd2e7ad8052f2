/**
 * What a GitHub delivery means for workflows: one {@link GithubEvent} per payload (push to a
 * branch, tag push, pull request opened/synchronized/reopened, release published), or the reason
 * it starts nothing. Only the fields the filters and the `trigger.*` values need are read, each
 * checked, so a payload of another shape is ignored with a reason instead of throwing.
 */
import type { GitEvent, Ignored, Json } from '@containerops/git-trigger-kit';
import { changedPathsOf, obj, pushedRefOf, str } from '@containerops/git-trigger-kit';

/** The kinds a `github` trigger block can list in `events:`. */
export type GithubEventKind = 'push' | 'tag' | 'pull_request' | 'release';

export const GITHUB_EVENT_KINDS: readonly GithubEventKind[] = [
  'push',
  'tag',
  'pull_request',
  'release',
];

/** The pull request actions that start runs: new code to test. */
const PR_ACTIONS = new Set(['opened', 'synchronize', 'reopened']);

/** `branch` is the pushed one or the pull request's base; `changedPaths` includes removed files. */
export interface GithubEvent extends GitEvent<GithubEventKind> {
  /** `owner/name`. */
  readonly repository: string;
}

export function githubEventOf(eventName: string, payload: Json): GithubEvent | Ignored {
  const repository = str(obj(payload['repository'])?.['full_name']);
  if (repository === undefined) return { ignored: 'the payload names no repository.full_name' };
  const sender = str(obj(payload['sender'])?.['login']);
  const base: Record<string, string> = { repo: repository, event: eventName };
  if (sender !== undefined) base['author'] = sender;
  const cloneUrl = str(obj(payload['repository'])?.['clone_url']);
  if (cloneUrl !== undefined) base['clone_url'] = cloneUrl;
  switch (eventName) {
    case 'push':
      return pushEvent(repository, payload, base);
    case 'pull_request':
      return pullRequestEvent(repository, payload, base);
    case 'release':
      return releaseEvent(repository, payload, base);
    default:
      return { ignored: `event "${eventName}" starts no run (push, pull_request and release do)` };
  }
}

function pushEvent(
  repository: string,
  payload: Json,
  base: Record<string, string>,
): GithubEvent | Ignored {
  const ref = str(payload['ref']);
  const sha = str(payload['after']);
  if (ref === undefined || sha === undefined) return { ignored: 'a push without ref or after' };
  if (payload['deleted'] === true) return { ignored: `${ref} was deleted` };
  const pusher = str(obj(payload['pusher'])?.['name']);
  const values = { ...base, ref, sha, ...(pusher === undefined ? {} : { author: pusher }) };
  const pushed = pushedRefOf(ref);
  if ('ignored' in pushed) return pushed;
  if ('tag' in pushed) {
    const tag = pushed.tag;
    return { kind: 'tag', repository, tag, values: { ...values, tag } };
  }
  const branch = pushed.branch;
  return {
    kind: 'push',
    repository,
    branch,
    changedPaths: changedPathsOf(payload['commits'], payload['head_commit']),
    values: { ...values, branch },
  };
}

function pullRequestEvent(
  repository: string,
  payload: Json,
  base: Record<string, string>,
): GithubEvent | Ignored {
  const action = str(payload['action']) ?? '';
  if (!PR_ACTIONS.has(action))
    return {
      ignored: `pull_request action "${action}" starts no run (opened, synchronize, reopened do)`,
    };
  const pr = obj(payload['pull_request']);
  const number = payload['number'] ?? pr?.['number'];
  const head = obj(pr?.['head']);
  const baseRef = str(obj(pr?.['base'])?.['ref']);
  const sha = str(head?.['sha']);
  if (typeof number !== 'number' || sha === undefined || baseRef === undefined)
    return { ignored: 'a pull_request without number, head.sha or base.ref' };
  const values: Record<string, string> = {
    ...base,
    action,
    sha,
    pr_number: String(number),
    ref: `refs/pull/${number}/head`,
    base_ref: baseRef,
    branch: baseRef,
  };
  const headRef = str(head?.['ref']);
  if (headRef !== undefined) values['head_ref'] = headRef;
  const title = str(pr?.['title']);
  if (title !== undefined) values['pr_title'] = title;
  const author = str(obj(pr?.['user'])?.['login']);
  if (author !== undefined) values['author'] = author;
  const headClone = str(obj(head?.['repo'])?.['clone_url']);
  if (headClone !== undefined) values['head_clone_url'] = headClone;
  return { kind: 'pull_request', repository, branch: baseRef, values };
}

function releaseEvent(
  repository: string,
  payload: Json,
  base: Record<string, string>,
): GithubEvent | Ignored {
  const action = str(payload['action']) ?? '';
  if (action !== 'published')
    return { ignored: `release action "${action}" starts no run (published does)` };
  const release = obj(payload['release']);
  const tag = str(release?.['tag_name']);
  if (tag === undefined) return { ignored: 'a release without tag_name' };
  const values: Record<string, string> = { ...base, action, tag, ref: `refs/tags/${tag}` };
  const sha = str(release?.['target_commitish']);
  if (sha !== undefined) values['target'] = sha;
  const author = str(obj(release?.['author'])?.['login']);
  if (author !== undefined) values['author'] = author;
  return { kind: 'release', repository, tag, values };
}
