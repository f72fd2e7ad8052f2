/**
 * The start/stop bookkeeping every trigger plugin needs to keep the contract of `TriggerPlugin`
 * (kinds/trigger.ts): the context is kept from `start`, `stop` is idempotent and resolves only
 * once the work begun before it has settled, so nothing calls `fire` after `stop` resolved.
 */
import type {
  TriggerContext,
  TriggerHttpRequest,
  TriggerHttpResponse,
  TriggerPlugin,
} from '../kinds/trigger.js';
import { refusal } from './responses.js';

/** Keeps the context and the in-flight work; subclasses add how events arrive. */
export abstract class TriggerLifecycle implements TriggerPlugin {
  /** Set by `start`; undefined before. */
  protected ctx: TriggerContext | undefined;
  /** True from the moment `stop` is called: check it again after every await before `fire`. */
  protected stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  start(ctx: TriggerContext): Promise<void> {
    this.ctx = ctx;
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Returns `work`, which `stop` now waits for. */
  protected track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}

/**
 * A trigger with an HTTP endpoint (`/hooks/<name>/...`). Before {@link handleRequest} sees a
 * request it answers 503 `TRIGGER_STOPPED` while the trigger is not started or stopping, and 405
 * `METHOD_NOT_ALLOWED` to anything but `POST`.
 */
export abstract class WebhookTrigger extends TriggerLifecycle {
  /** @param title how answers and logs name it (`github trigger`, `generic webhook`). */
  constructor(protected readonly title: string) {
    super();
  }

  handleHttp(request: TriggerHttpRequest): Promise<TriggerHttpResponse> {
    return this.track(this.guarded(request));
  }

  /** A `POST` to the running trigger. Never throws for what the sender got wrong: answers 4xx. */
  protected abstract handleRequest(
    ctx: TriggerContext,
    request: TriggerHttpRequest,
  ): Promise<TriggerHttpResponse>;

  private async guarded(request: TriggerHttpRequest): Promise<TriggerHttpResponse> {
    const ctx = this.ctx;
    if (ctx === undefined || this.stopped)
      return refusal(503, 'TRIGGER_STOPPED', `the ${this.title} is not running; retry later`);
    if (request.method !== 'POST') return refusal(405, 'METHOD_NOT_ALLOWED', 'use POST');
    return this.handleRequest(ctx, request);
  }
}
