import { describe, expect, it } from 'vitest';
import { parseQuantity } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['64Mi', 64 * 2 ** 20],
    ['1G', 1e9],
    ['4G', 4e9],
    ['1Gi', 2 ** 30],
    ['128k', 128_000],
    ['1e9', 1e9],
  ])('%s → %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it('rejects what is not a quantity', () => {
    expect(() => parseQuantity('lots')).toThrow('not a resource quantity: "lots"');
    expect(() => parseQuantity('1Xi')).toThrow();
  });
});
