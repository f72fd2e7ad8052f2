import { describe, expect, it } from 'vitest';
import {
  ansiPaint,
  elapsed,
  formatDuration,
  noPaint,
  prefixColour,
  statusSymbol,
  statusWord,
} from './style.js';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [3249, '3.2s'],
    [59_999, '59.9s'],
    [65_000, '1m05s'],
    [3_599_000, '59m59s'],
    [7_380_000, '2h03m'],
    [-5, '0ms'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('measures running nodes against now', () => {
    expect(elapsed(undefined, undefined, 10)).toBe('');
    expect(elapsed(1000, undefined, 2500)).toBe('1.5s');
    expect(elapsed(1000, 1200, 9999)).toBe('200ms');
  });
});

describe('status style', () => {
  it('has a symbol and words for every status', () => {
    expect(statusSymbol('succeeded')).toBe('✓');
    expect(statusSymbol('failed')).toBe('✗');
    expect(statusSymbol('running')).toBe('●');
    expect(statusSymbol('running', 1)).toBe('⠙');
    expect(statusWord('timed_out')).toBe('timed out');
  });

  it('paints with ANSI codes only when asked', () => {
    expect(ansiPaint('red', 'x')).toBe('\x1b[31mx\x1b[39m');
    expect(noPaint('red', 'x')).toBe('x');
    expect(prefixColour('a.b.c')).toBe(prefixColour('a.b.c'));
  });
});
