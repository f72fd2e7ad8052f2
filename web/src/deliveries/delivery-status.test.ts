import { describe, expect, it } from 'vitest';
import type { Delivery } from '../api/deliveries.js';
import { deliveryStatusLook, redeliveryOutcome } from './delivery-status.js';

const base: Delivery = {
  id: 'd2',
  trigger: 'github',
  receivedAt: '2026-12-07T12:00:00.000Z',
  status: 'accepted',
  runId: 'abcdef0123456789',
  workflow: 'default/a/b',
  deliveryId: null,
  message: null,
  payloadSize: 10,
  redeliveryOf: 'd1',
  redeliveredBy: 'admin',
};

describe('delivery status', () => {
  it('gives every status a colour class, a symbol and a word', () => {
    for (const status of ['accepted', 'duplicate', 'ignored', 'rejected', 'failed', 'not-found']) {
      const look = deliveryStatusLook(status);
      expect(look.icon).not.toBe('');
      expect(look.className).toMatch(/^s-/);
      expect(look.label).not.toBe('');
    }
    expect(deliveryStatusLook('new-kind')).toEqual({ className: '', icon: '•', label: 'new-kind' });
  });

  it('says what a redelivery did', () => {
    expect(redeliveryOutcome(base)).toBe('Redelivered: started run abcdef01.');
    expect(redeliveryOutcome({ ...base, status: 'duplicate' })).toBe(
      'Redelivered: already started run abcdef01; nothing new was started.',
    );
    expect(
      redeliveryOutcome({ ...base, status: 'rejected', runId: null, message: 'bad sig' }),
    ).toBe('Redelivered: rejected — bad sig.');
  });
});
