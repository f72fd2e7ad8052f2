/**
 * Runs the notifier plugins: the built-ins (builtin-notifiers.ts) and those named in the config,
 * and routes each run's start and end to them by the workflow's `receivers:` (the version the run
 * ran with): receivers grouped by `type` (a notifier's plugin name), each kept or dropped by its
 * `on:` filter (receiver-filter.ts).
 *
 * Delivery never touches the run: it runs after the fact, per run in order (start before end),
 * different runs concurrently. A rejected `notify` is retried with exponential backoff; a
 * `UserError` (a receiver without an address, an unset secret) is not. The outcome of every
 * notification — delivered, or failed with its last error — is a row in `run_notifications`,
 * shown with the run in the API. A receiver type no loaded notifier handles is recorded as failed
 * once per ended run (validation warns about it before).
 */
import type { Receiver, RunSnapshot } from '@containerops/core';
import { UserError } from '@containerops/core';
import type { LogStore, NotifierPlugin, PluginContext, RunNotification } from '@containerops/sdk';
import { PLUGIN_NOT_FOUND } from '@containerops/sdk/host';
import type { PluginHost } from '@containerops/sdk/host';
import type { ServerLogger } from '../logger.js';
import type { PluginIdentity } from '../plugins/plugin-context.js';
import { failedJobOf } from './failed-job.js';
import type { NotificationLog } from './notification-log.js';
import type { NotifiedStatus } from './receiver-filter.js';
import { isNotifiedStatus, receiverWants } from './receiver-filter.js';

export interface RetryPolicy {
  /** Calls of `notify` per notification, the first included. Default 5. */
  readonly attempts: number;
  /** Wait before the second call; doubled each time, at most `maxDelayMs`. Default 1 s. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

export interface NotifierHostDeps {
  readonly store: {
    getRun(runId: string): Promise<RunSnapshot | undefined>;
    getRunRequest(runId: string): Promise<
      | {
          readonly workflow: {
            readonly namespace: string;
            readonly receivers: readonly Receiver[];
          };
        }
      | undefined
    >;
  };
  readonly logs: Pick<LogStore, 'read'>;
  readonly secretsFor: (organization: string) => { get(name: string): Promise<string | undefined> };
  readonly notifications: NotificationLog;
  readonly log: ServerLogger;
  readonly contextFor: (plugin: PluginIdentity) => PluginContext;
  /** The dashboard's base URL, for links to the run page. */
  readonly publicUrl?: string;
  readonly retry?: RetryPolicy;
}

export class NotifierHost {
  private readonly notifiers = new Map<string, NotifierPlugin>();
  /** Per run, the chain of its pending notifications (start, then end). */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly started = new Set<string>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: NotifierHostDeps) {}

  /** Creates every notifier of `plugins`; a built-in whose package is missing is skipped (warned). */
  async start(plugins: PluginHost): Promise<void> {
    for (const { name } of plugins.entries('notifier')) {
      try {
        const context = this.deps.contextFor({ kind: 'notifier', name });
        this.notifiers.set(name, await plugins.create('notifier', name, { context }));
      } catch (error) {
        if (!(error instanceof UserError) || error.code !== PLUGIN_NOT_FOUND) throw error;
        this.deps.log.warn(`notifier ${name} is not available: ${error.message}`);
      }
    }
  }

  /** The receiver types handled (the loaded notifiers' names); what validation checks against. */
  types(): string[] {
    return [...this.notifiers.keys()];
  }

  /** A run of this server began (its first `running`); never blocks the caller. */
  runStarted(runId: string): void {
    if (this.started.has(runId) || this.stopping.signal.aborted) return;
    this.started.add(runId);
    this.enqueue(runId, async () => {
      const snapshot = await this.deps.store.getRun(runId);
      if (snapshot !== undefined) await this.deliver({ ...snapshot, status: 'running' }, 'running');
    });
  }

  /** A run of this server ended, with its final snapshot. Resolves at once (delivery goes on). */
  runEnded(snapshot: RunSnapshot): Promise<void> {
    this.started.delete(snapshot.runId);
    const status = snapshot.status;
    if (!isNotifiedStatus(status) || status === 'running' || this.stopping.signal.aborted)
      return Promise.resolve();
    this.enqueue(snapshot.runId, () => this.deliver(snapshot, status));
    return Promise.resolve();
  }

  /** Resolves when every queued notification settled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  /**
   * Stops: waits up to `graceMs` for queued notifications (retries waiting for their backoff give
   * up and are recorded as failed), then closes the notifiers. Idempotent.
   */
  async stop(graceMs = 10_000): Promise<void> {
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([this.settled(), grace]);
    this.stopping.abort();
    await Promise.race([this.settled(), new Promise((r) => setTimeout(r, 1_000).unref())]);
    for (const [name, notifier] of this.notifiers)
      await notifier
        .close?.()
        .catch((error: unknown) => this.deps.log.error(`notifier ${name}: close failed`, error));
    this.notifiers.clear();
  }

  private enqueue(runId: string, work: () => Promise<void>): void {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) =>
        this.deps.log.error(`notifications of run ${runId} failed`, error),
      );
    this.chains.set(runId, next);
    void next.then(() => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    });
  }

  private async deliver(snapshot: RunSnapshot, status: NotifiedStatus): Promise<void> {
    const request = await this.deps.store.getRunRequest(snapshot.runId);
    const receivers = request?.workflow.receivers ?? [];
    if (request === undefined || receivers.length === 0) return;
    const byType = new Map<string, Receiver[]>();
    for (const receiver of receivers)
      byType.set(receiver.type, [...(byType.get(receiver.type) ?? []), receiver]);
    const ended = status !== 'running';
    const failedJob = ended
      ? await failedJobOf(snapshot, this.deps.logs).catch(() => undefined)
      : undefined;
    const secrets = this.deps.secretsFor(request.workflow.namespace);
    const work: Promise<void>[] = [];
    for (const [type, all] of byType) {
      const notifier = this.notifiers.get(type);
      if (notifier === undefined) {
        if (ended)
          work.push(
            this.record(
              snapshot.runId,
              type,
              status,
              'failed',
              0,
              `no notifier handles receivers of type "${type}"`,
            ),
          );
        continue;
      }
      const wanted = all.filter((r) => receiverWants(r, status, notifier.defaultOn));
      if (wanted.length === 0) continue;
      const event: RunNotification = {
        runId: snapshot.runId,
        workflow: snapshot.workflow,
        status,
        ...(snapshot.reason === undefined ? {} : { reason: snapshot.reason }),
        time: Date.now(),
        receivers: wanted,
        snapshot,
        ...(this.deps.publicUrl === undefined
          ? {}
          : {
              url: `${this.deps.publicUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(snapshot.runId)}`,
            }),
        ...(failedJob === undefined ? {} : { failedJob }),
        secret: (name) => secrets.get(name),
      };
      work.push(this.withRetries(type, notifier, event));
    }
    await Promise.all(work);
  }

  private async withRetries(
    type: string,
    notifier: NotifierPlugin,
    event: RunNotification,
  ): Promise<void> {
    const retry = this.deps.retry ?? DEFAULT_RETRY;
    let lastError = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      try {
        await notifier.notify(event);
        await this.record(event.runId, type, event.status, 'delivered', attempt);
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        const final =
          error instanceof UserError || attempt === retry.attempts || this.stopping.signal.aborted;
        this.deps.log.warn(
          `notifier ${type}: run ${event.runId} (${event.status}) attempt ${attempt}: ${lastError}${final ? '' : '; retrying'}`,
        );
        if (final) {
          await this.record(event.runId, type, event.status, 'failed', attempt, lastError);
          return;
        }
        const delay = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        if (!(await this.sleep(delay))) {
          await this.record(
            event.runId,
            type,
            event.status,
            'failed',
            attempt,
            `${lastError} (server stopping)`,
          );
          return;
        }
      }
    }
  }

  /** Waits `ms`; false when the host stops first. */
  private sleep(ms: number): Promise<boolean> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async record(
    runId: string,
    receiverType: string,
    runStatus: string,
    outcome: 'delivered' | 'failed',
    attempts: number,
    error?: string,
  ): Promise<void> {
    await this.deps.notifications
      .record({
        runId,
        receiverType,
        runStatus,
        outcome,
        attempts,
        at: Date.now(),
        ...(error === undefined ? {} : { error }),
      })
      .catch((e: unknown) =>
        this.deps.log.error(`cannot record a notification of run ${runId}`, e),
      );
  }
}
