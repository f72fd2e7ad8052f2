/**
 * The trigger conformance suite: the cases every `trigger` plugin runs, so webhook and timer
 * triggers keep the contract documented on `TriggerPlugin` (`kinds/trigger.ts`): start/stop
 * order and idempotency, bad input answered 4xx (never thrown, nothing fired), one event started
 * once even when it is delivered twice, and no `fire` after `stop()`.
 */
import { describe, expect, it } from 'vitest';
import type {
  TriggerHttpRequest,
  TriggerPlugin,
  TriggerSubscription,
} from '../../kinds/trigger.js';
import { RecordingTriggerContext } from '../recording-trigger-context.js';

/** What a trigger plugin under test provides for one case. */
export interface TriggerUnderTest {
  readonly plugin: TriggerPlugin;
  /** The subscriptions its context starts with (a workflow whose trigger block matches `event`). */
  readonly subscriptions: readonly TriggerSubscription[];
  /**
   * Makes one event happen that must start a run of a subscribed workflow. For webhooks: returns
   * the request (the suite sends it, twice for the redelivery case); for timers: causes the tick
   * (e.g. by advancing a fake clock) and returns undefined.
   */
  event(): TriggerHttpRequest | undefined | Promise<TriggerHttpRequest | undefined>;
  /** Requests that must be refused with a 4xx and start nothing (wrong signature...). Webhooks only. */
  readonly badRequests?: readonly TriggerHttpRequest[];
  /** Frees what the case used (fake clocks, temp dirs). */
  dispose?(): void | Promise<void>;
}

export type TriggerFactory = () => TriggerUnderTest | Promise<TriggerUnderTest>;

export interface TriggerConformanceOptions {
  /**
   * The plugin makes one event start at most one run (it passes `once`, or keeps its own guard),
   * so the same delivery twice starts one run. Default true.
   */
  readonly dedupes?: boolean;
}

/**
 * Registers `describe('trigger conformance: <name>')`. `factory` runs once per case and returns a
 * fresh plugin; the suite creates the context ({@link RecordingTriggerContext}), starts, stops.
 */
export function describeTriggerConformance(
  name: string,
  factory: TriggerFactory,
  options: TriggerConformanceOptions = {},
): void {
  const dedupes = options.dedupes ?? true;
  const withPlugin = async (
    body: (target: TriggerUnderTest, ctx: RecordingTriggerContext) => Promise<void>,
  ): Promise<void> => {
    const target = await factory();
    const ctx = new RecordingTriggerContext(target.subscriptions);
    try {
      await target.plugin.start(ctx);
      await body(target, ctx);
    } finally {
      await target.plugin.stop();
      ctx.markStopped();
      await target.dispose?.();
    }
  };
  const send = async (
    plugin: TriggerPlugin,
    request: TriggerHttpRequest | undefined,
  ): Promise<number | undefined> => {
    if (request === undefined) return undefined;
    if (plugin.handleHttp === undefined)
      throw new Error('event() returned a request but the plugin has no handleHttp');
    const response = await plugin.handleHttp(request);
    return response.status;
  };

  describe(`trigger conformance: ${name}`, () => {
    it('start then stop resolve; stop is idempotent', async () => {
      const target = await factory();
      const ctx = new RecordingTriggerContext(target.subscriptions);
      await target.plugin.start(ctx);
      await target.plugin.stop();
      await target.plugin.stop();
      ctx.markStopped();
      await target.dispose?.();
      expect(ctx.fires).toEqual([]);
    });

    it('an event for a subscribed workflow fires it once', async () => {
      await withPlugin(async (target, ctx) => {
        const status = await send(target.plugin, await target.event());
        if (status !== undefined) expect(status).toBeGreaterThanOrEqual(200);
        if (status !== undefined) expect(status).toBeLessThan(300);
        await ctx.waitForFires(1);
        const workflows = new Set(target.subscriptions.map((s) => s.workflow));
        expect(ctx.started).toHaveLength(1);
        expect(workflows.has(ctx.started[0]?.workflow ?? '')).toBe(true);
        expect(typeof ctx.started[0]?.trigger.type).toBe('string');
      });
    });

    it.runIf(dedupes)('the same event delivered twice starts one run', async () => {
      await withPlugin(async (target, ctx) => {
        const request = await target.event();
        await send(target.plugin, request);
        await ctx.waitForFires(1);
        if (request !== undefined) {
          const again = await send(target.plugin, request);
          expect(again).toBeLessThan(300);
        }
        // Caught by a `once` key (the host's durable claims) or by the plugin's own guard.
        expect(ctx.started).toHaveLength(1);
      });
    });

    it('bad requests are answered 4xx, not thrown, and fire nothing', async () => {
      await withPlugin(async (target, ctx) => {
        for (const request of target.badRequests ?? []) {
          const status = await send(target.plugin, request);
          expect(status, `${request.method} ${request.path}`).toBeGreaterThanOrEqual(400);
          expect(status, `${request.method} ${request.path}`).toBeLessThan(500);
        }
        expect(ctx.fires).toEqual([]);
      });
    });

    it('garbage is answered below 500 and fires nothing', async () => {
      await withPlugin(async (target, ctx) => {
        if (target.plugin.handleHttp === undefined) return;
        const garbage: TriggerHttpRequest[] = [
          { method: 'POST', path: '/', headers: {}, query: {}, body: new Uint8Array() },
          { method: 'GET', path: '/', headers: {}, query: {}, body: new Uint8Array() },
          {
            method: 'POST',
            path: '/../../etc',
            headers: { 'content-type': 'application/json' },
            query: {},
            body: new TextEncoder().encode('{"not": "closed"'),
          },
          {
            method: 'POST',
            path: '/',
            headers: { 'content-type': 'application/json' },
            query: {},
            body: new Uint8Array([0xff, 0xfe, 0x00, 0x01]),
          },
        ];
        for (const request of garbage) {
          const response = await target.plugin.handleHttp(request);
          expect(response.status).toBeGreaterThanOrEqual(200);
          expect(response.status).toBeLessThan(500);
        }
        expect(ctx.fires).toEqual([]);
      });
    });

    it('a workflow no longer subscribed is not fired', async () => {
      await withPlugin(async (target, ctx) => {
        ctx.setSubscriptions([]);
        // Listeners may reload asynchronously; give them a turn.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const status = await send(target.plugin, await target.event());
        if (status !== undefined) expect(status).toBeLessThan(500);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(ctx.started).toEqual([]);
      });
    });

    it('fire is never called after stop resolved', async () => {
      const target = await factory();
      const ctx = new RecordingTriggerContext(target.subscriptions);
      await target.plugin.start(ctx);
      await target.plugin.stop();
      ctx.markStopped();
      try {
        // A timer trigger's tick after stop, or a request the host should no longer route.
        const request = await target.event();
        // Any answer will do (503 "retry later" is a good one), as long as nothing fires.
        if (request !== undefined && target.plugin.handleHttp !== undefined)
          await target.plugin.handleHttp(request).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(ctx.firesAfterStop).toEqual([]);
      } finally {
        await target.dispose?.();
      }
    });
  });
}
