import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, parseCpu, parseMemory } from './quantity.js';

describe('parseCpu', () => {
  it.each([
    [2, 2000],
    [0.5, 500],
    [0.1, 100],
    ['2', 2000],
    ['1.5', 1500],
    ['500m', 500],
    ['0', 0],
  ] as const)('reads %j as %d millicores', (input, millis) => {
    expect(parseCpu(input)).toBe(millis);
  });

  it.each(['', 'two', '500M', '2 cores', '-1', '1.5m5'])('rejects %j', (input) => {
    expect(() => parseCpu(input)).toThrow(RangeError);
  });

  it('rejects negative numbers', () => {
    expect(() => parseCpu(-1)).toThrow(RangeError);
  });

  it('formats back', () => {
    expect(formatCpu(2000)).toBe('2');
    expect(formatCpu(1500)).toBe('1500m');
  });
});

describe('parseMemory', () => {
  it.each([
    [1048576, 1048576],
    ['4G', 4_000_000_000],
    ['4Gi', 4 * 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['128M', 128_000_000],
    ['1.5G', 1_500_000_000],
    ['1024Ki', 2 ** 20],
    ['100k', 100_000],
    ['1Ti', 2 ** 40],
    ['2T', 2e12],
    ['1000', 1000],
  ] as const)('reads %j as %d bytes', (input, bytes) => {
    expect(parseMemory(input)).toBe(bytes);
  });

  it.each(['', '4g', '4GB', '128m', '4 G', '1.5', 'lots', '-1Mi'])('rejects %j', (input) => {
    expect(() => parseMemory(input)).toThrow(RangeError);
  });

  it('rejects fractional and negative numbers of bytes', () => {
    expect(() => parseMemory(1.5)).toThrow(/whole number of bytes/);
    expect(() => parseMemory(-1)).toThrow(RangeError);
  });

  it('formats back with the largest exact binary suffix', () => {
    expect(formatMemory(1048576)).toBe('1Mi');
    expect(formatMemory(1000)).toBe('1000');
    expect(parseMemory(formatMemory(3 * 2 ** 30))).toBe(3 * 2 ** 30);
  });
});
