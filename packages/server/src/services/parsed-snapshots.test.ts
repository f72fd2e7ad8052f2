import { describe, expect, it } from 'vitest';
import { ParsedSnapshots } from './parsed-snapshots.js';

const text = (runId: string, pad: number, status = 'succeeded'): string =>
  JSON.stringify({ runId, status, pad: 'x'.repeat(pad) });

describe('ParsedSnapshots', () => {
  it('parses a large ended run once, and again once its text changed', () => {
    const cache = new ParsedSnapshots(1_000, 100);
    const first = cache.parse('r1', 'succeeded', text('r1', 200));
    expect(cache.parse('r1', 'succeeded', text('r1', 200))).toBe(first);
    const changed = cache.parse('r1', 'succeeded', text('r1', 201));
    expect(changed).not.toBe(first);
    expect(changed).toMatchObject({ runId: 'r1' });
  });

  it('keeps neither small snapshots nor those of unfinished runs', () => {
    const cache = new ParsedSnapshots(1_000, 100);
    const small = text('r1', 10);
    expect(cache.parse('r1', 'succeeded', small)).not.toBe(cache.parse('r1', 'succeeded', small));
    const running = text('r2', 200, 'running');
    expect(cache.parse('r2', 'running', running)).not.toBe(cache.parse('r2', 'running', running));
  });

  it('forgets the least recently used beyond its size', () => {
    const cache = new ParsedSnapshots(700, 100);
    const a = cache.parse('a', 'failed', text('a', 300));
    const b = cache.parse('b', 'failed', text('b', 300));
    expect(cache.parse('a', 'failed', text('a', 300))).toBe(a); // a used after b
    cache.parse('c', 'failed', text('c', 300)); // over 700: b goes
    expect(cache.parse('a', 'failed', text('a', 300))).toBe(a);
    expect(cache.parse('b', 'failed', text('b', 300))).not.toBe(b);
  });
});
