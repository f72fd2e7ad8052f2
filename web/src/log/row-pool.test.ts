import { describe, expect, it } from 'vitest';
import { clockTime, elapsedTime, lineWindow } from './row-pool.js';

describe('lineWindow', () => {
  it('covers the view plus the overscan, never more lines than the pool has rows', () => {
    // 18 px lines, 70-row pool, 10 lines of overscan, scrolled to line 1000.
    expect(lineWindow(18_000, 70, 200_000, 18, 10)).toEqual({ first: 990, last: 1060 });
  });

  it('stays inside the log at both ends', () => {
    expect(lineWindow(0, 70, 200_000, 18, 10)).toEqual({ first: 0, last: 70 });
    expect(lineWindow(18 * 200_000, 70, 200_000, 18, 10)).toEqual({
      first: 199_930,
      last: 200_000,
    });
    expect(lineWindow(500, 70, 5, 18, 10)).toEqual({ first: 0, last: 5 });
  });
});

describe('time columns', () => {
  it('writes the time since the first line compactly', () => {
    expect(elapsedTime(0)).toBe('+0.0s');
    expect(elapsedTime(4_250)).toBe('+4.3s');
    expect(elapsedTime(187_000)).toBe('+3m 07s');
    expect(elapsedTime(3_720_000)).toBe('+1h 02m');
  });

  it('writes the time of day to the millisecond', () => {
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5, 6).getTime())).toBe('03:04:05.006');
  });
});
