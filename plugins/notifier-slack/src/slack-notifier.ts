/**
 * The `slack` notifier: posts a Block Kit message (block-kit.ts) to a Slack incoming webhook. The
 * webhook URL is a credential (anyone holding it can post), so the receiver names an
 * organisation secret that holds it, never the URL itself:
 *
 * ```yaml
 * receivers:
 *   - type: slack
 *     webhook: SLACK_WEBHOOK      # organisation secret holding https://hooks.slack.com/services/...
 *     on: [failure, success]
 * ```
 *
 * 5xx, 429 (rate limited), timeouts and connection failures reject with an `OperationalError`
 * (retried by the host); other 4xx, a missing or unset secret with a `UserError`.
 */
import { OperationalError, UserError, summarizeRun } from '@containerops/sdk';
import type { NotifierPlugin, Receiver, RunNotification } from '@containerops/sdk';
import { slackMessage } from './block-kit.js';

export interface SlackNotifierConfig {
  readonly timeoutMs: number;
}

export class SlackNotifier implements NotifierPlugin {
  private closed = false;

  constructor(private readonly config: SlackNotifierConfig) {}

  async notify(event: RunNotification): Promise<void> {
    if (this.closed) throw new OperationalError('NOTIFIER_CLOSED', 'the slack notifier is closed');
    const body = JSON.stringify(slackMessage(summarizeRun(event)));
    for (const receiver of event.receivers) await this.post(receiver, event, body);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async post(receiver: Receiver, event: RunNotification, body: string): Promise<void> {
    const secretName = receiver['webhook'];
    if (typeof secretName !== 'string' || secretName === '')
      throw new UserError(
        'RECEIVER_INVALID',
        'a slack receiver needs webhook: <organisation secret holding the URL>',
      );
    const url = await event.secret(secretName);
    if (url === undefined || !/^https?:\/\//.test(url))
      throw new UserError(
        'SECRET_NOT_SET',
        `secret ${secretName} (the slack webhook URL) is not set`,
      );
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      // Never the URL in a message: it is the credential.
      throw new OperationalError(
        'NOTIFY_FAILED',
        `slack webhook ${secretName}: ${error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : 'cannot connect'}`,
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 500 || response.status === 429)
      throw new OperationalError(
        'NOTIFY_FAILED',
        `slack webhook ${secretName}: HTTP ${response.status}`,
      );
    if (response.status >= 300)
      throw new UserError(
        'NOTIFY_REFUSED',
        `slack webhook ${secretName}: HTTP ${response.status} ${text.slice(0, 100)}`,
      );
  }
}
