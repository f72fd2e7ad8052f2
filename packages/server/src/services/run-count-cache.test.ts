import { describe, expect, it } from 'vitest';
import { RunCountCache } from './run-count-cache.js';

describe('RunCountCache', () => {
  it('counts once per key until the runs table is written', async () => {
    let generation = 0;
    let counted = 0;
    const cache = new RunCountCache(() => generation);
    const count = (n: number) => () => {
      counted++;
      return Promise.resolve(n);
    };
    expect(await cache.get('a', count(5))).toBe(5);
    expect(await cache.get('a', count(99))).toBe(5);
    expect(await cache.get('b', count(7))).toBe(7);
    expect(counted).toBe(2);
    generation++;
    expect(await cache.get('a', count(6))).toBe(6);
    expect(counted).toBe(3);
  });

  it('does not keep a count during which the table was written', async () => {
    let generation = 0;
    const cache = new RunCountCache(() => generation);
    expect(
      await cache.get('a', () => {
        generation++; // a write lands while counting
        return Promise.resolve(1);
      }),
    ).toBe(1);
    expect(await cache.get('a', () => Promise.resolve(2))).toBe(2);
  });
});
