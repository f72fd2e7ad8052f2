import { describe, expect, it } from 'vitest';
import { backoffDelay } from './job-executor.js';

describe('backoffDelay', () => {
  it('grows by factor per failed attempt and is capped', () => {
    const retry = { limit: 5, backoffMs: 100, factor: 2, maxBackoffMs: 500 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(retry, n))).toEqual([100, 200, 400, 500, 500]);
    expect(backoffDelay({ ...retry, factor: 1 }, 4)).toBe(100);
  });
});
