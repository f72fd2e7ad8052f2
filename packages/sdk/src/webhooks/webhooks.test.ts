/**
 * The trigger helpers on their own: the guard of `WebhookTrigger`, `stop` waiting for tracked
 * work, `fireMatching`'s answers, and the config helpers' refusals. The plugins built on them run
 * the trigger conformance suite as well.
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '@containerops/core';
import type { TriggerContext, TriggerHttpRequest, TriggerHttpResponse } from '../kinds/trigger.js';
import { configSettings, millisecondsSetting } from '../plugin/config-schema.js';
import { RecordingTriggerContext } from '../testing/recording-trigger-context.js';
import { fireMatching } from './fire-matching.js';
import { jsonObjectOf, jsonResponse } from './responses.js';
import { WebhookTrigger } from './trigger-lifecycle.js';

const request = (method: string, body = '{}'): TriggerHttpRequest => ({
  method,
  path: '/',
  headers: {},
  query: {},
  body: Buffer.from(body),
});

class Slow extends WebhookTrigger {
  finished = 0;
  release: () => void = () => undefined;
  constructor() {
    super('test trigger');
  }
  protected async handleRequest(_ctx: TriggerContext): Promise<TriggerHttpResponse> {
    await new Promise<void>((resolve) => (this.release = resolve));
    this.finished += 1;
    return jsonResponse(202, {});
  }
}

const bodyOf = (response: TriggerHttpResponse): unknown => JSON.parse(String(response.body));

describe('WebhookTrigger', () => {
  it('answers 503 before start and after stop, 405 to GET', async () => {
    const trigger = new Slow();
    expect((await trigger.handleHttp(request('POST'))).status).toBe(503);
    await trigger.start(new RecordingTriggerContext());
    const get = await trigger.handleHttp(request('GET'));
    expect([get.status, bodyOf(get)]).toEqual([
      405,
      { code: 'METHOD_NOT_ALLOWED', message: 'use POST' },
    ]);
    await trigger.stop();
    const stopped = await trigger.handleHttp(request('POST'));
    expect(bodyOf(stopped)).toEqual({
      code: 'TRIGGER_STOPPED',
      message: 'the test trigger is not running; retry later',
    });
  });

  it('stop resolves only after the requests in flight finished', async () => {
    const trigger = new Slow();
    await trigger.start(new RecordingTriggerContext());
    const handling = trigger.handleHttp(request('POST'));
    let stopped = false;
    const stopping = trigger.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    trigger.release();
    await Promise.all([handling, stopping]);
    expect(trigger.finished).toBe(1);
  });
});

describe('fireMatching', () => {
  const subscriptions = [
    { workflow: 'a/b/wants', trigger: { type: 't', want: true } },
    { workflow: 'a/b/other', trigger: { type: 't', want: false } },
    { workflow: 'a/b/broken', trigger: { type: 't' } },
  ];
  const spec = (bad: string[]) => ({
    blockOf: (s: (typeof subscriptions)[number]) =>
      'want' in s.trigger ? { want: s.trigger.want === true } : 'no want',
    wants: (block: { want: boolean }) => block.want,
    onBadBlock: (workflow: string, problem: string) => bad.push(`${workflow}: ${problem}`),
    isStopped: () => false,
    trigger: { type: 't' },
    options: { once: 'delivery:1' },
    nothingMatched: 'nobody',
  });

  it('fires what matches once per key, reports unreadable blocks, answers 202', async () => {
    const ctx = new RecordingTriggerContext(subscriptions);
    const bad: string[] = [];
    const first = await fireMatching(ctx, spec(bad));
    const again = await fireMatching(ctx, spec(bad));
    expect(first.status).toBe(202);
    expect(ctx.started.map((f) => f.workflow)).toEqual(['a/b/wants']);
    expect(bodyOf(again)).toMatchObject({ runs: [{ workflow: 'a/b/wants', duplicate: true }] });
    expect(bad).toEqual(['a/b/broken: no want', 'a/b/broken: no want']);
  });

  it('answers 400 with the refusal when every match refused, 202 ignored when none matched', async () => {
    const refusing = new RecordingTriggerContext(
      subscriptions,
      undefined,
      () => new UserError('RUN_INPUTS_INVALID', 'no'),
    );
    const refused = await fireMatching(refusing, spec([]));
    expect([refused.status, bodyOf(refused)]).toMatchObject([400, { code: 'RUN_INPUTS_INVALID' }]);
    const none = await fireMatching(new RecordingTriggerContext([]), spec([]));
    expect(bodyOf(none)).toEqual({ ignored: 'nobody' });
  });
});

describe('config helpers', () => {
  it('reads absent settings as none, refuses non-objects and unknown settings', () => {
    expect(configSettings(null, ['a'], '{ a: 1 }')).toEqual({});
    expect(() => configSettings([], ['a'], '{ a: 1 }')).toThrow(
      'expected an object such as { a: 1 }',
    );
    expect(() => configSettings({ b: 1 }, ['a'], '')).toThrow(
      'unknown setting b; the setting is a',
    );
    expect(() => configSettings({ c: 1 }, ['a', 'b'], '')).toThrow('the settings are a, b');
    expect(millisecondsSetting({}, 'timeoutMs', 10)).toBe(10);
    expect(() => millisecondsSetting({ timeoutMs: 1.5 }, 'timeoutMs', 10)).toThrow(
      'timeoutMs must be a positive integer (milliseconds)',
    );
  });

  it('jsonObjectOf takes objects only', () => {
    expect(jsonObjectOf(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(jsonObjectOf('[1]')).toBeUndefined();
    expect(jsonObjectOf('nope')).toBeUndefined();
  });
});
