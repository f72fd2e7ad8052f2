/**
 * The cron trigger: the SDK's conformance suite, then real croner schedules on a fake clock
 * (vitest's timers): ticks, time zones, two replicas sharing the host's claims, catch-up after a
 * restart.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPluginInstance } from '@containerops/sdk';
import type { TriggerSubscription } from '@containerops/sdk';
import { RecordingTriggerContext, describeTriggerConformance } from '@containerops/sdk/testing';
import type { CronTrigger } from './cron-trigger.js';
import { cronTriggerPlugin } from './plugin.js';

const create = async (config: unknown = {}): Promise<CronTrigger> =>
  (await createPluginInstance(cronTriggerPlugin, config, { kind: 'trigger' })) as CronTrigger;

const every = (
  schedule: string,
  workflow = 'acme/app/nightly',
  timezone?: string,
): TriggerSubscription => ({
  workflow,
  trigger: { type: 'cron', schedule, ...(timezone === undefined ? {} : { timezone }) },
});

describeTriggerConformance('cron', async () => {
  const plugin = await create();
  return {
    plugin,
    subscriptions: [every('0 3 * * *')],
    event: async () => {
      for (const block of plugin.blocks())
        await plugin.tick(block, new Date('2026-03-01T03:00:00Z'));
      return undefined;
    },
  };
});

describe('cron trigger on a fake clock', () => {
  const started: CronTrigger[] = [];
  afterEach(async () => {
    for (const plugin of started.splice(0)) await plugin.stop();
    vi.useRealTimers();
  });
  const run = async (
    subscriptions: TriggerSubscription[],
    claims: Map<string, string>,
    config: unknown = {},
  ) => {
    const plugin = await create(config);
    const ctx = new RecordingTriggerContext(subscriptions, claims);
    await plugin.start(ctx);
    started.push(plugin);
    return { plugin, ctx };
  };

  it('fires once per tick, naming the tick minute', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:30Z') });
    const { ctx } = await run([every('* * * * *')], new Map());
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(ctx.started.map((f) => f.options.values?.['tick'])).toEqual([
      '2026-01-01T00:01:00.000Z',
      '2026-01-01T00:02:00.000Z',
      '2026-01-01T00:03:00.000Z',
    ]);
    expect(ctx.started[0]?.trigger).toMatchObject({ type: 'cron', schedule: '* * * * *' });
  });

  it('honours the time zone', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-15T13:59:00Z') });
    const { ctx } = await run([every('0 9 * * *', 'acme/app/ny', 'America/New_York')], new Map());
    await vi.advanceTimersByTimeAsync(2 * 60_000);
    // 09:00 in New York in January is 14:00 UTC.
    expect(ctx.started.map((f) => f.options.values?.['tick'])).toEqual([
      '2026-01-15T14:00:00.000Z',
    ]);
  });

  it('two replicas sharing the claims start exactly one run per tick', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:10Z') });
    const claims = new Map<string, string>();
    const a = await run([every('*/2 * * * *')], claims);
    const b = await run([every('*/2 * * * *')], claims);
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    expect(a.ctx.fires.length).toBe(3);
    expect(b.ctx.fires.length).toBe(3);
    expect(a.ctx.started.length + b.ctx.started.length).toBe(3);
  });

  it('a tick missed while down is skipped by default, or caught up once with catchUp', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T10:05:00Z') });
    const skipped = await run([every('0 10 * * *')], new Map());
    expect(skipped.ctx.fires).toEqual([]);
    const claims = new Map<string, string>();
    const first = await run([every('0 10 * * *')], claims, { catchUp: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(first.ctx.started.map((f) => f.options.values?.['tick'])).toEqual([
      '2026-01-01T10:00:00.000Z',
    ]);
    // A restart right after: the catch-up finds the tick claimed and starts nothing.
    await first.plugin.stop();
    const second = await run([every('0 10 * * *')], claims, { catchUp: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(second.ctx.fires.map((f) => f.duplicate)).toEqual([true]);
    expect(second.ctx.started).toEqual([]);
  });

  it('a tick older than catchUpWithinMs is not caught up', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T13:00:00Z') });
    const { ctx } = await run([every('0 10 * * *')], new Map(), {
      catchUp: true,
      catchUpWithinMs: 3_600_000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(ctx.fires).toEqual([]);
  });

  it('reschedules when subscriptions change, and ignores invalid blocks', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:30Z') });
    const { ctx } = await run(
      [every('* * * * *'), every('*/5 * * * * *', 'acme/app/six-fields')],
      new Map(),
    );
    ctx.setSubscriptions([every('* * * * *', 'acme/app/other')]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ctx.started.map((f) => f.workflow)).toEqual(['acme/app/other']);
  });

  it('refuses bad config', () => {
    expect(() => cronTriggerPlugin.configSchema.parse({ catchUp: 'yes' })).toThrow(/catchUp/);
  });
});
