/**
 * The __NAME__ notifier: a starting point that POSTs one JSON document per run notification to
 * the receiver's URL, and passes the notifier conformance suite as it is. A workflow asks for it
 * with `receivers: [{ type: __NAME__, urlSecret: MY_URL }]` (the URL kept as a secret of the
 * organisation) or `url: https://...`. Replace the request with your target's API, keep the
 * contract (see `NotifierPlugin` in @containerops/sdk): reject when delivery failed, so the host
 * retries; never fail the run.
 */
import { OperationalError, UserError } from '@containerops/sdk';
import type { NotifierPlugin, RunNotification } from '@containerops/sdk';

export class __CLASS__Notifier implements NotifierPlugin {
  constructor(private readonly timeoutMs: number) {}

  async notify(event: RunNotification): Promise<void> {
    for (const receiver of event.receivers) {
      const url =
        typeof receiver['urlSecret'] === 'string'
          ? await event.secret(receiver['urlSecret'])
          : receiver['url'];
      if (typeof url !== 'string' || !/^https?:\/\//.test(url))
        throw new UserError(
          'NOTIFIER_RECEIVER_INVALID',
          'the receiver needs an http(s) url or urlSecret',
        );
      const body = JSON.stringify({
        runId: event.runId,
        workflow: event.workflow,
        status: event.status,
        reason: event.reason,
        url: event.url,
        failedJob: event.failedJob,
      });
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        throw new OperationalError('NOTIFY_FAILED', `POST failed: ${(error as Error).message}`);
      }
      await response.arrayBuffer();
      if (!response.ok)
        throw new OperationalError('NOTIFY_FAILED', `POST answered ${response.status}`);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
