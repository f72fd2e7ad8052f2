/**
 * What a GitLab delivery means for workflows: a branch push, a tag push, or a merge request
 * opened, reopened or updated with new commits; anything else is ignored with a reason. Only the
 * fields the filters and the `trigger.*` values need are read, each checked.
 */
import type { GitEvent, Ignored, Json } from '@containerops/git-trigger-kit';
import { changedPathsOf, obj, pushedRefOf, str } from '@containerops/git-trigger-kit';

export type GitlabEventKind = 'push' | 'tag' | 'merge_request';

export const GITLAB_EVENT_KINDS: readonly GitlabEventKind[] = ['push', 'tag', 'merge_request'];

/** `branch` is the pushed one, or the merge request's target branch. */
export interface GitlabEvent extends GitEvent<GitlabEventKind> {
  /** `group/project` (`path_with_namespace`). */
  readonly project: string;
}

/** `eventHeader` is `X-Gitlab-Event` (`Push Hook`, `Tag Push Hook`, `Merge Request Hook`). */
export function gitlabEventOf(eventHeader: string, payload: Json): GitlabEvent | Ignored {
  const project = str(obj(payload['project'])?.['path_with_namespace']);
  if (project === undefined) return { ignored: 'the payload names no project.path_with_namespace' };
  const base: Record<string, string> = { repo: project };
  const cloneUrl = str(obj(payload['project'])?.['git_http_url']);
  if (cloneUrl !== undefined) base['clone_url'] = cloneUrl;
  switch (eventHeader) {
    case 'Push Hook':
    case 'Tag Push Hook':
      return pushEvent(project, payload, base);
    case 'Merge Request Hook':
      return mergeRequestEvent(project, payload, base);
    default:
      return {
        ignored: `event "${eventHeader}" starts no run (Push Hook, Tag Push Hook and Merge Request Hook do)`,
      };
  }
}

function pushEvent(
  project: string,
  payload: Json,
  base: Record<string, string>,
): GitlabEvent | Ignored {
  const ref = str(payload['ref']);
  const sha = str(payload['checkout_sha']) ?? str(payload['after']);
  if (ref === undefined) return { ignored: 'a push without ref' };
  if (sha === undefined || /^0+$/.test(sha)) return { ignored: `${ref} was deleted` };
  const author = str(payload['user_username']);
  const values: Record<string, string> = {
    ...base,
    ref,
    sha,
    ...(author === undefined ? {} : { author }),
  };
  const pushed = pushedRefOf(ref);
  if ('ignored' in pushed) return pushed;
  if ('tag' in pushed) {
    const tag = pushed.tag;
    return { kind: 'tag', project, tag, values: { ...values, event: 'tag', tag } };
  }
  const branch = pushed.branch;
  return {
    kind: 'push',
    project,
    branch,
    changedPaths: changedPathsOf(payload['commits']),
    values: { ...values, event: 'push', branch },
  };
}

/** Merge request actions that bring code to test; `update` only when it added commits. */
function mergeRequestEvent(
  project: string,
  payload: Json,
  base: Record<string, string>,
): GitlabEvent | Ignored {
  const mr = obj(payload['object_attributes']);
  const action = str(mr?.['action']) ?? '';
  const newCommits = action === 'update' && str(mr?.['oldrev']) !== undefined;
  if (action !== 'open' && action !== 'reopen' && !newCommits)
    return {
      ignored: `merge request action "${action}" starts no run (open, reopen, update with new commits do)`,
    };
  const iid = mr?.['iid'];
  const target = str(mr?.['target_branch']);
  const sha = str(obj(mr?.['last_commit'])?.['id']);
  if (typeof iid !== 'number' || target === undefined || sha === undefined)
    return { ignored: 'a merge request without iid, target_branch or last_commit.id' };
  const values: Record<string, string> = {
    ...base,
    event: 'merge_request',
    action,
    sha,
    mr_number: String(iid),
    ref: `refs/merge-requests/${iid}/head`,
    base_ref: target,
    branch: target,
  };
  const source = str(mr?.['source_branch']);
  if (source !== undefined) values['head_ref'] = source;
  const title = str(mr?.['title']);
  if (title !== undefined) values['mr_title'] = title;
  const author = str(obj(payload['user'])?.['username']);
  if (author !== undefined) values['author'] = author;
  return { kind: 'merge_request', project, branch: target, values };
}
