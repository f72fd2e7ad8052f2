/**
 * The `notifier` plugin kind: tells people or systems how a run went (Slack, webhook, email,
 * GitHub commit status).
 *
 * ## Lifecycle
 * ```
 * create(config, ctx)
 *   notify(event)       for each run status change the host routes to this notifier, possibly
 *                       concurrently for different runs; in order for one run
 * close()               optional; idempotent
 * ```
 * `notify` should finish within a few seconds; the host retries a rejected call with backoff a few
 * times and then records the failure. It never affects the run's status.
 */
import type { Receiver, RunSnapshot, RunStatus } from '@containerops/core';

export interface RunNotification {
  readonly runId: string;
  /** Workflow uri. */
  readonly workflow: string;
  readonly status: RunStatus;
  readonly previousStatus?: RunStatus;
  /** Why the run ended (failed job and its reason...). */
  readonly reason?: string;
  /** ms since the epoch. */
  readonly time: number;
  /** The workflow's `receivers:` entries whose `type` this notifier handles. */
  readonly receivers: readonly Receiver[];
  /** The run at the moment of the change. */
  readonly snapshot: RunSnapshot;
  /** Link to the run in the dashboard, when the server knows its public URL. */
  readonly url?: string;
}

export interface NotifierPlugin {
  /** Delivers one notification. Rejects (OperationalError) when delivery failed and may be retried. */
  notify(event: RunNotification): Promise<void>;
  close?(): Promise<void>;
}
