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
 *
 * ## Bad input
 * `handleHttp` never throws for what a sender got wrong: a missing or wrong signature is answered
 * 401 (and fires nothing), an event the plugin does not handle 202 with the reason in the body, a
 * malformed body 400. The host records every delivery with its answer and the runs it started.
 *
 * ## At most once
 * Webhook senders redeliver, replicas share a schedule, and the server restarts: a plugin that must
 * not start a run twice for one event passes {@link TriggerFireOptions.once}, a key naming the
 * event (the sender's delivery id, the cron tick). The host keeps claimed keys durably (in its
 * database, shared by replicas, surviving restarts) and starts nothing for a key already claimed.
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

/**
 * What `fire` did: started a run, or (with {@link TriggerFireOptions.once}) found the event's key
 * claimed already and started nothing. `runId` is then the first run's id when the host knows it.
 */
export type TriggerFireResult =
  | { readonly runId: string; readonly duplicate?: false }
  | { readonly runId?: string; readonly duplicate: true };

export interface TriggerFireOptions {
  /**
   * A key naming the event (`delivery:<id>`, `tick:<iso time>`). The host claims it durably, per
   * plugin and workflow, before it starts the run: a second `fire` with the same key (a
   * redelivery, another replica, the same tick after a restart) starts nothing and resolves
   * `{ duplicate: true }`. A claim whose run could not start is released, so a retry may run.
   * 1 to 200 characters.
   */
  readonly once?: string;
  /**
   * What the event says (`repo`, `ref`, `sha`, `pr_number`, `author`...): every job gets each as
   * `CO_TRIGGER_<NAME>` (name upper-cased, characters outside `[A-Z0-9_]` as `_`), and the run's
   * trigger info keeps them. Unlike `inputs` they need no `inputs:` declaration: the prefix is
   * reserved, so a value cannot disguise itself as `PATH` or `CO_DATA`. Names are
   * `[A-Za-z0-9_]{1,64}`; values at most 4 KiB (longer ones are cut by the host).
   */
  readonly values?: Readonly<Record<string, string>>;
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
   * Starts a run of `workflow` with `inputs` as extra env for every job (each must be one the
   * workflow declares in `inputs:`) and the event's `options.values` as `CO_TRIGGER_*` variables.
   * Resolves once the run is queued, or at once with `{ duplicate: true }` when `options.once` was
   * claimed before. Rejects with a `UserError` when the workflow does not exist or refuses the
   * inputs. Never called by a plugin after its `stop()` resolved.
   */
  fire(
    workflow: string,
    inputs: Readonly<Record<string, string>>,
    trigger: TriggerInfo,
    options?: TriggerFireOptions,
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
