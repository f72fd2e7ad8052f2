/**
 * The `github-status` notifier: for runs started by the `github` trigger, sets a commit status on
 * the commit that started them — `pending` when the run starts, then `success`, `failure` or
 * `error` when it ends — through the GitHub REST API (`POST /repos/{owner}/{repo}/statuses/{sha}`)
 * at `baseUrl` (GitHub Enterprise: `https://github.example.com/api/v3`).
 *
 * ```yaml
 * receivers:
 *   - type: github-status
 *     token: GITHUB_STATUS_TOKEN   # organisation secret; default: the plugin's configured token
 *     context: ci/containerops     # the status's name on GitHub; default containerops/<workflow>
 * ```
 *
 * Runs not started by the github trigger (no repo and sha in their trigger info) are left alone.
 * 5xx, 429, timeouts and connection failures reject with an `OperationalError` (retried by the
 * host); other answers with a `UserError` (a token without the `repo:status` scope stays wrong).
 */
import { OperationalError, UserError, summarizeRun } from '@containerops/sdk';
import type { NotifierPlugin, Receiver, ReceiverFilter, RunNotification } from '@containerops/sdk';

export interface GithubStatusConfig {
  /** The REST API root; default `https://api.github.com`. */
  readonly baseUrl: string;
  /** A token allowed to write commit statuses, used when the receiver names none. */
  readonly token?: string;
  readonly timeoutMs: number;
}

type CommitState = 'pending' | 'success' | 'failure' | 'error';

const STATE: Readonly<Record<string, CommitState>> = {
  queued: 'pending',
  running: 'pending',
  waiting: 'pending',
  succeeded: 'success',
  failed: 'failure',
  timed_out: 'failure',
  cancelled: 'error',
};

export class GithubStatusNotifier implements NotifierPlugin {
  readonly defaultOn: readonly ReceiverFilter[] = ['started', 'always'];
  private closed = false;

  constructor(private readonly config: GithubStatusConfig) {}

  async notify(event: RunNotification): Promise<void> {
    if (this.closed)
      throw new OperationalError('NOTIFIER_CLOSED', 'the github-status notifier is closed');
    const trigger = event.snapshot.trigger;
    const repo = trigger?.['repo'];
    const sha = trigger?.['sha'];
    if (trigger?.['type'] !== 'github' || typeof repo !== 'string' || typeof sha !== 'string')
      return;
    for (const receiver of event.receivers) await this.post(receiver, event, repo, sha);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async post(
    receiver: Receiver,
    event: RunNotification,
    repo: string,
    sha: string,
  ): Promise<void> {
    const token = await this.tokenFor(receiver, event);
    const context =
      typeof receiver['context'] === 'string'
        ? receiver['context']
        : `containerops/${event.workflow}`;
    const summary = summarizeRun(event);
    const body = JSON.stringify({
      state: STATE[event.status] ?? 'pending',
      context,
      description: summary.headline.slice(0, 140),
      ...(event.url === undefined ? {} : { target_url: event.url }),
    });
    const url = `${this.config.baseUrl.replace(/\/+$/, '')}/repos/${repo.split('/').map(encodeURIComponent).join('/')}/statuses/${encodeURIComponent(sha)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'user-agent': 'ContainerOps-Notifier',
          'x-github-api-version': '2022-11-28',
        },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      throw new OperationalError(
        'NOTIFY_FAILED',
        `commit status of ${repo}@${sha.slice(0, 12)}: ${error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : 'cannot connect to the GitHub API'}`,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 500 || response.status === 429)
      throw new OperationalError(
        'NOTIFY_FAILED',
        `commit status of ${repo}: HTTP ${response.status}`,
      );
    if (response.status >= 300)
      throw new UserError(
        'NOTIFY_REFUSED',
        `commit status of ${repo}: HTTP ${response.status} ${text.slice(0, 200)}`,
      );
  }

  private async tokenFor(receiver: Receiver, event: RunNotification): Promise<string> {
    const name = receiver['token'];
    if (typeof name === 'string' && name !== '') {
      const value = await event.secret(name);
      if (value === undefined || value === '')
        throw new UserError(
          'SECRET_NOT_SET',
          `secret ${name} (the github-status token) is not set`,
        );
      return value;
    }
    if (this.config.token !== undefined) return this.config.token;
    throw new UserError(
      'RECEIVER_INVALID',
      'a github-status receiver needs token: <organisation secret>, or the plugin a configured token',
    );
  }
}
