/**
 * The `trigger` plugin kind: starts runs from outside events (GitHub/GitLab webhooks, cron, another
 * workflow's end, an API call).
 *
 * ## Lifecycle
 * ```
 * create(config, ctx)
 * start(triggerCtx)          once; begin listening (timers, subscriptions)
 *   handleHttp(request)      for each request to `/hooks/<plugin name>/...`, concurrently,
 *                            only between start and stop
 *   triggerCtx.fire(...)     whenever an event matches a workflow's trigger block
 * stop()                     once; stop timers, let in-flight handlers finish; idempotent
 * ```
 * A trigger decides which workflows an event concerns from {@link TriggerContext.subscriptions}
 * (every workflow's `triggers:` entries of this plugin's `type`), which the host keeps current.
 * `handleHttp` must verify signatures itself (it receives the raw body) and answer quickly: it
 * calls `fire` and returns; the run proceeds in the background.
 */
import type { TriggerDefinition } from '@containerops/core';
import type { PluginLogger } from '../plugin/context.js';

/** Describes what started a run; stored on the run (`RunSnapshot.trigger`) and shown in the UI. */
export interface TriggerInfo {
  /** The trigger plugin's type (`github`, `cron`...). */
  readonly type: string;
  readonly [key: string]: unknown;
}

/** One workflow trigger block handled by this plugin. */
export interface TriggerSubscription {
  /** Workflow uri (`namespace/repository/name`). */
  readonly workflow: string;
  readonly trigger: TriggerDefinition;
}

export interface TriggerFireResult {
  readonly runId: string;
}

export interface TriggerContext {
  readonly logger: PluginLogger;
  /** Aborted when the trigger is stopped. */
  readonly signal: AbortSignal;
  /** The current trigger blocks of this plugin's type, across all workflows. */
  subscriptions(): readonly TriggerSubscription[];
  /** Called after the subscriptions changed (a workflow was saved or deleted); returns an unsubscribe. */
  onSubscriptionsChange(listener: () => void): () => void;
  /**
   * Starts a run of `workflow` with `inputs` as extra env for every job. Resolves once the run is
   * queued. Rejects with a `UserError` when the workflow does not exist.
   */
  fire(
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    trigger: TriggerInfo,
  ): Promise<TriggerFireResult>;
}

/** An HTTP request to `/hooks/<plugin name>/<path>`, independent of the HTTP server in use. */
export interface TriggerHttpRequest {
  readonly method: string;
  /** The part after `/hooks/<plugin name>` (`/` at least). */
  readonly path: string;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The raw body, for signature verification. */
  readonly body: Uint8Array;
}

export interface TriggerHttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface TriggerPlugin {
  /** Begins listening. Called once, before any `handleHttp`. */
  start(ctx: TriggerContext): Promise<void>;
  /** Stops listening; idempotent. After it resolves `fire` is no longer called. */
  stop(): Promise<void>;
  /** Handles webhook requests; absent for triggers without an HTTP endpoint (cron). Never throws for bad input: answers 4xx. */
  handleHttp?(request: TriggerHttpRequest): Promise<TriggerHttpResponse>;
}
