import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TriggerHttpRequest, TriggerHttpResponse } from '@containerops/sdk';
import { describe, expect, it } from 'vitest';
import type { CheckedDelivery, DeliveryRules } from './delivery-checks.js';
import { checkDelivery, isAnswer } from './delivery-checks.js';

const SECRET = 'kit-test-secret';

function sign(body: Uint8Array, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A host that signs with an HMAC and answers `ping` at once, as GitHub does. */
const rules: DeliveryRules = {
  notConfigured: 'no secret yet',
  proofHeader: 'x-sig',
  proofMissing: 'unsigned',
  proofMismatch: 'signature does not match',
  proves: (secret, body, proof) => {
    const want = Buffer.from(sign(body, secret));
    const got = Buffer.from(proof);
    return want.length === got.length && timingSafeEqual(want, got);
  },
  eventHeader: 'x-event',
  answerAtOnce: (name) => (name === 'ping' ? { status: 200, body: 'pong' } : undefined),
  deliveryHeader: 'x-delivery',
  notJson: 'the body must be a JSON object',
};

function request(
  body: string,
  headers: Record<string, string | undefined> = {},
): TriggerHttpRequest {
  const raw = new TextEncoder().encode(body);
  const all: Record<string, string | undefined> = {
    'x-sig': sign(raw),
    'x-event': 'push',
    'x-delivery': 'd-1',
    ...headers,
  };
  const present = Object.fromEntries(
    Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return { method: 'POST', path: '/', headers: present, query: {}, body: raw };
}

function answer(checked: CheckedDelivery | TriggerHttpResponse): {
  status: number;
  code?: string;
  message?: string;
} {
  if (!isAnswer(checked)) throw new Error('expected an answer, got a delivery');
  const body = typeof checked.body === 'string' ? checked.body : '';
  return { status: checked.status, ...(body.startsWith('{') ? JSON.parse(body) : {}) };
}

describe('checkDelivery', () => {
  it('passes a signed delivery with its event, id and payload', () => {
    const checked = checkDelivery(request('{"ref":"refs/heads/main"}'), SECRET, rules);
    expect(isAnswer(checked)).toBe(false);
    expect(checked).toEqual({
      eventName: 'push',
      deliveryId: 'd-1',
      payload: { ref: 'refs/heads/main' },
    });
  });

  it('answers 503 while no secret is configured, before reading anything', () => {
    expect(answer(checkDelivery(request('{}'), undefined, rules))).toEqual({
      status: 503,
      code: 'WEBHOOK_NOT_CONFIGURED',
      message: 'no secret yet',
    });
    expect(answer(checkDelivery(request('{}'), '', rules)).status).toBe(503);
  });

  it('answers 401 UNSIGNED without the proof and BAD_SIGNATURE with a wrong one', () => {
    expect(
      answer(checkDelivery(request('{}', { 'x-sig': undefined }), SECRET, rules)),
    ).toMatchObject({
      status: 401,
      code: 'UNSIGNED',
    });
    const forged = request('{}', { 'x-sig': sign(new TextEncoder().encode('{}'), 'guess') });
    expect(answer(checkDelivery(forged, SECRET, rules))).toMatchObject({
      status: 401,
      code: 'BAD_SIGNATURE',
    });
  });

  it('checks the proof before the event: an unsigned ping is refused', () => {
    const unsignedPing = request('{}', { 'x-sig': undefined, 'x-event': 'ping' });
    expect(answer(checkDelivery(unsignedPing, SECRET, rules)).status).toBe(401);
  });

  it('answers an event that needs no payload at once', () => {
    const ping = request('not json', { 'x-event': 'ping', 'x-delivery': undefined });
    expect(checkDelivery(ping, SECRET, rules)).toEqual({ status: 200, body: 'pong' });
  });

  it('answers 400 for a missing event, a bad delivery id, a body that is not an object', () => {
    expect(answer(checkDelivery(request('{}', { 'x-event': '  ' }), SECRET, rules))).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: 'x-event is required',
    });
    for (const id of [undefined, '', 'has space', 'x'.repeat(129), 'tab\there'])
      expect(
        answer(checkDelivery(request('{}', { 'x-delivery': id }), SECRET, rules)),
      ).toMatchObject({ status: 400, message: 'x-delivery must be 1 to 128 visible characters' });
    for (const body of ['[1,2]', '"text"', '{broken'])
      expect(answer(checkDelivery(request(body), SECRET, rules))).toMatchObject({
        status: 400,
        message: 'the body must be a JSON object',
      });
  });

  it('accepts a delivery id of exactly 128 visible characters', () => {
    const checked = checkDelivery(request('{}', { 'x-delivery': '~'.repeat(128) }), SECRET, rules);
    expect(isAnswer(checked)).toBe(false);
  });
});
