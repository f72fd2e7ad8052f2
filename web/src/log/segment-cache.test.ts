import { describe, expect, it } from 'vitest';
import { SegmentCache } from './segment-cache.js';

describe('SegmentCache', () => {
  it('parses a line once and returns the same segments again', () => {
    const cache = new SegmentCache(4);
    const first = cache.get(0, '\u001b[31mred\u001b[0m plain');
    expect(first.map((s) => s.text)).toEqual(['red', ' plain']);
    expect(cache.get(0, 'ignored: already parsed')).toBe(first);
  });

  it('keeps at most `capacity` lines, dropping the least recently used', () => {
    const cache = new SegmentCache(2);
    const a = cache.get(1, 'a');
    cache.get(2, 'b');
    cache.get(1, 'a'); // 1 is now the most recent
    cache.get(3, 'c'); // drops 2
    expect(cache.size).toBe(2);
    expect(cache.get(1, 'x')).toBe(a);
    expect(cache.get(2, 'b again')[0]?.text).toBe('b again');
  });
});
