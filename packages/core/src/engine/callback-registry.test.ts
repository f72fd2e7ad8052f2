import { describe, expect, it } from 'vitest';
import { CallbackRegistry, sameToken } from './callback-registry.js';
import {
  callbackTokenFromHeaders,
  MAX_CALLBACK_BODY_BYTES,
  parseCallbackPayload,
} from './service-callbacks.js';
import type { CallbackRefusal } from './service-callbacks.js';

const ok = JSON.stringify({ result: true, outputs: { url: 'https://x', n: 3, o: { a: [1] } } });

function setup(keepEnded?: number) {
  const hostRefusals: CallbackRefusal[] = [];
  const registry = new CallbackRegistry({
    baseUrl: 'http://127.0.0.1:5000/callbacks/',
    onRefused: (r) => hostRefusals.push(r),
    ...(keepEnded === undefined ? {} : { keepEnded }),
  });
  const jobRefusals: CallbackRefusal[] = [];
  const reg = registry.register('job-1', { onRefused: (r) => jobRefusals.push(r) });
  const id = reg.url.split('/').at(-1) as string;
  return { registry, reg, id, hostRefusals, jobRefusals };
}

function settledValue<T>(p: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), 10))]);
}

describe('CallbackRegistry', () => {
  it('gives a one-time url under the base url and a 256-bit token', () => {
    const { reg, id, registry } = setup();
    expect(reg.url).toMatch(/^http:\/\/127\.0\.0\.1:5000\/callbacks\/[0-9a-f]{32}$/);
    expect(reg.token).toMatch(/^[0-9a-f]{64}$/);
    const other = registry.register('job-2');
    expect(other.url).not.toBe(reg.url);
    expect(other.token).not.toBe(reg.token);
    expect(id).toHaveLength(32);
    expect(registry.waiting).toBe(2);
  });

  it('accepts the first valid callback and resolves the result, normalised', async () => {
    const { registry, reg, id } = setup();
    expect(registry.deliver(id, reg.token, ok)).toEqual({
      status: 200,
      code: 'CALLBACK_ACCEPTED',
      message: 'accepted',
    });
    await expect(reg.result).resolves.toEqual({
      result: true,
      outputs: { url: 'https://x', n: '3', o: '{"a":[1]}' },
      logs: [],
    });
    expect(registry.waiting).toBe(0);
  });

  it('refuses a wrong or missing token without using the callback up, and tells the job', async () => {
    const { registry, reg, id, jobRefusals, hostRefusals } = setup();
    expect(registry.deliver(id, 'x'.repeat(64), ok)).toMatchObject({
      status: 403,
      code: 'CALLBACK_TOKEN_INVALID',
    });
    expect(registry.deliver(id, undefined, ok).code).toBe('CALLBACK_TOKEN_INVALID');
    expect(registry.deliver(id, reg.token.slice(1), ok).code).toBe('CALLBACK_TOKEN_INVALID');
    expect(await settledValue(reg.result)).toBe('pending');
    expect(jobRefusals.map((r) => [r.code, r.jobId, r.id])).toEqual([
      ['CALLBACK_TOKEN_INVALID', 'job-1', id],
      ['CALLBACK_TOKEN_INVALID', 'job-1', id],
      ['CALLBACK_TOKEN_INVALID', 'job-1', id],
    ]);
    expect(hostRefusals).toEqual([]);
    expect(registry.deliver(id, reg.token, ok).code).toBe('CALLBACK_ACCEPTED');
  });

  it('refuses a second callback (409) while the job runs, a late one (410) after dispose', async () => {
    const { registry, reg, id, jobRefusals, hostRefusals } = setup();
    registry.deliver(id, reg.token, ok);
    const second = JSON.stringify({ result: false });
    expect(registry.deliver(id, reg.token, second)).toMatchObject({
      status: 409,
      code: 'CALLBACK_ALREADY_USED',
    });
    expect((await reg.result).result).toBe(true);
    expect(jobRefusals.map((r) => r.code)).toEqual(['CALLBACK_ALREADY_USED']);
    reg.dispose();
    reg.dispose();
    expect(registry.deliver(id, reg.token, second)).toMatchObject({
      status: 410,
      code: 'CALLBACK_EXPIRED',
    });
    // After the job ended nobody waits: the host hears of it.
    expect(hostRefusals.map((r) => [r.code, r.jobId])).toEqual([['CALLBACK_EXPIRED', 'job-1']]);
    expect(jobRefusals).toHaveLength(1);
  });

  it('does not reveal the state of an ended callback to a caller without its token', () => {
    const { registry, reg, id } = setup();
    reg.dispose();
    expect(registry.deliver(id, 'nope', ok).code).toBe('CALLBACK_TOKEN_INVALID');
  });

  it('expires a callback that never came once the job ended', async () => {
    const { registry, reg, id } = setup();
    reg.dispose();
    expect(registry.deliver(id, reg.token, ok).code).toBe('CALLBACK_EXPIRED');
    expect(await settledValue(reg.result)).toBe('pending');
  });

  it('refuses unknown ids (404) and forgets the oldest ended ones beyond keepEnded', () => {
    const { registry, reg, id, hostRefusals } = setup(1);
    expect(registry.deliver('f'.repeat(32), reg.token, ok)).toMatchObject({
      status: 404,
      code: 'CALLBACK_NOT_FOUND',
    });
    expect(hostRefusals[0]).toMatchObject({ code: 'CALLBACK_NOT_FOUND' });
    expect(hostRefusals[0]?.jobId).toBeUndefined();
    reg.dispose();
    registry.register('job-2').dispose();
    expect(registry.deliver(id, reg.token, ok).code).toBe('CALLBACK_NOT_FOUND');
  });

  it('refuses invalid and oversized bodies (400, 413) and still accepts a good one', async () => {
    const { registry, reg, id, jobRefusals } = setup();
    const bad = [
      'not json',
      '[true]',
      '{"result":"true"}',
      '{"result":true,"outputs":[1]}',
      '{"result":true,"logs":"one line"}',
      '{"result":true,"logs":[1]}',
    ];
    for (const body of bad) {
      expect(registry.deliver(id, reg.token, body), body).toMatchObject({
        status: 400,
        code: 'CALLBACK_INVALID_BODY',
      });
    }
    const huge = JSON.stringify({ result: true, logs: ['x'.repeat(MAX_CALLBACK_BODY_BYTES)] });
    expect(registry.deliver(id, reg.token, huge)).toMatchObject({
      status: 413,
      code: 'CALLBACK_TOO_LARGE',
    });
    expect(jobRefusals.map((r) => r.message)).toContain('"result" must be true or false');
    expect(registry.deliver(id, reg.token, '{"result":false,"logs":["a","b"]}').code).toBe(
      'CALLBACK_ACCEPTED',
    );
    await expect(reg.result).resolves.toEqual({ result: false, outputs: {}, logs: ['a', 'b'] });
  });

  it('answers even when a listener throws', () => {
    const registry = new CallbackRegistry({ baseUrl: 'http://h' });
    const reg = registry.register('j', {
      onRefused: () => {
        throw new Error('boom');
      },
    });
    const id = reg.url.slice('http://h/'.length);
    expect(registry.deliver(id, 'bad', ok).code).toBe('CALLBACK_TOKEN_INVALID');
  });
});

describe('sameToken', () => {
  it('compares whole strings', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abd')).toBe(false);
    expect(sameToken('ab', 'abc')).toBe(false);
    expect(sameToken('abcabc', 'abc')).toBe(false);
    expect(sameToken('', 'abc')).toBe(false);
    expect(sameToken('', '')).toBe(true);
  });
});

describe('callbackTokenFromHeaders', () => {
  it('reads the token header in any case, else a bearer token', () => {
    expect(callbackTokenFromHeaders({ 'x-containerops-callback-token': ' t1 ' })).toBe('t1');
    expect(callbackTokenFromHeaders({ 'X-ContainerOps-Callback-Token': ['t2'] })).toBe('t2');
    expect(callbackTokenFromHeaders({ authorization: 'Bearer t3' })).toBe('t3');
    expect(
      callbackTokenFromHeaders({
        authorization: 'Bearer t3',
        'x-containerops-callback-token': 't4',
      }),
    ).toBe('t4');
    expect(callbackTokenFromHeaders({ authorization: 'Basic abc' })).toBeUndefined();
    expect(callbackTokenFromHeaders({})).toBeUndefined();
  });
});

describe('parseCallbackPayload', () => {
  it('keeps strings, writes numbers and booleans as text, JSON-encodes the rest, drops null', () => {
    expect(
      parseCallbackPayload(
        JSON.stringify({ result: true, outputs: { s: 'a', n: 1.5, b: false, l: [1], z: null } }),
      ),
    ).toEqual({
      payload: { result: true, outputs: { s: 'a', n: '1.5', b: 'false', l: '[1]' }, logs: [] },
    });
  });
});
