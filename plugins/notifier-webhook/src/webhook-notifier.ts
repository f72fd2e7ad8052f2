/**
 * The `webhook` notifier, the reference notifier: a JSON POST of the run summary (the SDK's
 * `summarizeRun`) to each receiver's URL, signed with an organisation secret.
 *
 * ```yaml
 * receivers:
 *   - type: webhook
 *     url: https://ci-dashboard.example.com/hooks/containerops
 *     secret: NOTIFY_HMAC_KEY       # organisation secret that signs the body (optional)
 *     on: [failure]
 * ```
 *
 * A 5xx answer, a timeout or a connection failure rejects with an `OperationalError` (the host
 * retries it with backoff); a 4xx, a missing URL or an unset secret with a `UserError` (retrying
 * cannot help). Several receivers of one notification are posted to in turn; the first failure
 * rejects, so a retry repeats those delivered already — receivers tell copies apart by
 * `X-ContainerOps-Delivery`.
 */
import { OperationalError, UserError, summarizeRun } from '@containerops/sdk';
import type { NotifierPlugin, Receiver, RunNotification } from '@containerops/sdk';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  signNotification,
} from './signature.js';

export interface WebhookNotifierConfig {
  /** Per request. Default 10 s. */
  readonly timeoutMs: number;
}

export class WebhookNotifier implements NotifierPlugin {
  private closed = false;

  constructor(private readonly config: WebhookNotifierConfig) {}

  async notify(event: RunNotification): Promise<void> {
    if (this.closed)
      throw new OperationalError('NOTIFIER_CLOSED', 'the webhook notifier is closed');
    const body = JSON.stringify({ kind: 'run', ...summarizeRun(event), time: event.time });
    for (const receiver of event.receivers) await this.post(receiver, event, body);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private async post(receiver: Receiver, event: RunNotification, body: string): Promise<void> {
    const url = receiver['url'];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      throw new UserError('RECEIVER_INVALID', 'a webhook receiver needs url: http(s)://...');
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'ContainerOps-Notifier',
      [DELIVERY_HEADER]: `${event.runId}:${event.status}`,
    };
    const secretName = receiver['secret'];
    if (secretName !== undefined) {
      if (typeof secretName !== 'string')
        throw new UserError('RECEIVER_INVALID', 'secret must name an organisation secret');
      const secret = await event.secret(secretName);
      if (secret === undefined || secret === '')
        throw new UserError(
          'SECRET_NOT_SET',
          `secret ${secretName} (of the webhook receiver) is not set`,
        );
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = signNotification(secret, timestamp, body);
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      throw new OperationalError(
        'NOTIFY_FAILED',
        `POST ${hostOf(url)}: ${error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${this.config.timeoutMs} ms` : error.message) : String(error)}`,
      );
    }
    await response.body?.cancel();
    if (response.status >= 500)
      throw new OperationalError('NOTIFY_FAILED', `POST ${hostOf(url)}: HTTP ${response.status}`);
    if (response.status >= 300)
      throw new UserError(
        'NOTIFY_REFUSED',
        `POST ${hostOf(url)}: HTTP ${response.status} (not retried)`,
      );
  }
}

/** The URL without its path and query, which may hold a token. */
function hostOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the receiver URL';
  }
}
