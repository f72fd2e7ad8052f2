import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    [0, 0],
    [600, 600_000],
    [0.25, 250],
    ['0', 0],
    ['90', 90_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1m30s250ms', 90_250],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    [' 5m ', 300_000],
  ] as const)('reads %j as %d ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });

  it.each(['', 'abc', '5 m', '1h1h', '-5s', 'm', '5x', '10 minutes', '1h-30m'])(
    'rejects %j',
    (input) => {
      expect(() => parseDuration(input)).toThrow(RangeError);
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(/non-negative/);
  });

  it('formats back into a form it reads', () => {
    for (const ms of [0, 250, 90_000, 5_400_000, 90_061_001]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });
});
