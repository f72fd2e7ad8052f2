/**
 * The `cron` trigger: each workflow's `cron` blocks (schedule-block.ts) become croner jobs; each
 * tick fires the workflow with `once: tick:<minute in UTC>`. The host claims that key durably in
 * its database, so:
 *
 * - with several replicas, every replica's timer fires the tick and exactly one run starts;
 * - a tick is never run twice, across restarts too.
 *
 * A tick that fell while no server was running is skipped by default. With `catchUp: true` the
 * most recent missed tick of each schedule (within `catchUpWithinMs`) is fired once at start; if
 * it had run before the stop, its claim makes the catch-up start nothing.
 */
import { Cron } from 'croner';
import type { PluginLogger, TriggerContext, TriggerPlugin } from '@containerops/sdk';
import type { ScheduleBlock } from './schedule-block.js';
import { scheduleBlockOf } from './schedule-block.js';

export interface CronTriggerConfig {
  /** Fire the most recent tick missed while the server was down, once, at start. Default false. */
  readonly catchUp: boolean;
  /** How old a missed tick may be and still be caught up. Default 24 h. */
  readonly catchUpWithinMs: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

const MINUTE = 60_000;

export class CronTrigger implements TriggerPlugin {
  private ctx: TriggerContext | undefined;
  private stopped = false;
  private jobs: Cron[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly config: CronTriggerConfig,
    private readonly logger: PluginLogger,
  ) {}

  start(ctx: TriggerContext): Promise<void> {
    this.ctx = ctx;
    this.schedule();
    this.unsubscribe = ctx.onSubscriptionsChange(() => this.schedule());
    if (this.config.catchUp) this.catchUp();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const job of this.jobs) job.stop();
    this.jobs = [];
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Fires `block`'s workflow for the tick at `tick` (rounded down to its minute). What a croner
   * job calls; public so tests can tick without waiting for the clock.
   */
  tick(block: ScheduleBlock, tick: Date): Promise<void> {
    if (this.stopped || this.ctx === undefined) return Promise.resolve();
    const ctx = this.ctx;
    const minute = new Date(Math.floor(tick.getTime() / MINUTE) * MINUTE).toISOString();
    const values = { schedule: block.schedule, timezone: block.timezone, tick: minute };
    const firing = ctx
      .fire(
        block.workflow,
        {},
        { type: 'cron', ...values },
        { once: `tick:${block.schedule}:${minute}`, values },
      )
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.error(`cron tick ${minute} of ${block.workflow} did not start a run`, {
            error: error instanceof Error ? error.message : String(error),
          }),
      );
    this.inFlight.add(firing);
    void firing.finally(() => this.inFlight.delete(firing));
    return firing;
  }

  /** The current blocks (invalid ones are logged once and left out). */
  blocks(): ScheduleBlock[] {
    const out: ScheduleBlock[] = [];
    for (const subscription of this.ctx?.subscriptions() ?? []) {
      const block = scheduleBlockOf(subscription);
      if (typeof block !== 'string') out.push(block);
      else if (!this.warned.has(`${subscription.workflow}\n${block}`)) {
        this.warned.add(`${subscription.workflow}\n${block}`);
        this.logger.warn(
          `workflow ${subscription.workflow}: its cron trigger is ignored: ${block}`,
        );
      }
    }
    return out;
  }

  private schedule(): void {
    if (this.stopped) return;
    for (const job of this.jobs) job.stop();
    this.jobs = this.blocks().map(
      (block) =>
        new Cron(
          block.schedule,
          // unref: a schedule must not keep a stopping process alive.
          { timezone: block.timezone, mode: '5-part', unref: true, catch: true },
          (job: Cron) => this.tick(block, job.currentRun() ?? new Date()),
        ),
    );
  }

  private catchUp(): void {
    const now = (this.config.now ?? Date.now)();
    for (const block of this.blocks()) {
      const job = new Cron(block.schedule, {
        timezone: block.timezone,
        mode: '5-part',
        paused: true,
      });
      const [previous] = job.previousRuns(1, new Date(now));
      job.stop();
      if (previous !== undefined && now - previous.getTime() <= this.config.catchUpWithinMs)
        void this.tick(block, previous);
    }
  }
}
