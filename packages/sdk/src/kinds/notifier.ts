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
 * times and then records the failure on the run. It never affects the run's status.
 *
 * ## Which changes reach a notifier
 * The host calls `notify` for a workflow's `receivers:` entries of the notifier's `type` (its
 * plugin name): when the run starts (`status: running`, for notifiers that show progress, such
 * as a commit status) and when it ends. Each receiver may filter with
 * `on: [success, failure, cancelled, always, started]` (default {@link NotifierPlugin.defaultOn},
 * else `[always]`: every ended run; `failure` covers `failed` and `timed_out`); `event.receivers`
 * holds only the entries whose filter matched.
 *
 * ## Errors
 * Reject (an `OperationalError` is best) when delivery failed and may work later: a 5xx, a
 * timeout, a refused connection. The host retries it. Reject with a `UserError` when retrying
 * cannot help (a receiver without an address, a secret that is not set): the host records it
 * without retrying. Never resolve when nothing was delivered.
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
  /** The first failed job of an ended run, with the last lines of its log (oldest first). */
  readonly failedJob?: FailedJobSummary;
  /**
   * The value of a secret of the run's organisation (a receiver names it, e.g. a Slack webhook
   * URL kept as `SLACK_WEBHOOK`); undefined when it is not set.
   */
  secret(name: string): Promise<string | undefined>;
}

/** Which job made a run fail, and how its log ended. */
export interface FailedJobSummary {
  /** `stage.action.job`. */
  readonly path: string;
  readonly reason?: string;
  /** At most the last 50 lines of its last attempt. */
  readonly lastLogLines: readonly string[];
}

/** The words of a receiver's `on:` filter. */
export type ReceiverFilter = 'started' | 'success' | 'failure' | 'cancelled' | 'always';

export interface NotifierPlugin {
  /**
   * The `on:` filter of receivers that give none; default `['always']` (every ended run). A
   * notifier that shows progress (a commit status) adds `started`.
   */
  readonly defaultOn?: readonly ReceiverFilter[];
  /** Delivers one notification. Rejects (OperationalError) when delivery failed and may be retried. */
  notify(event: RunNotification): Promise<void>;
  close?(): Promise<void>;
}
