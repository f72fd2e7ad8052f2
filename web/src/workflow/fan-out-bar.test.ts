import { describe, expect, it } from 'vitest';
import { fanOutBar } from './fan-out-bar.js';

const counts = (c: Partial<Parameters<typeof fanOutBar>[0]>) => ({
  total: 0,
  started: 0,
  running: 0,
  passed: 0,
  failed: 0,
  skipped: 0,
  ...c,
});

describe('fanOutBar', () => {
  it('splits the bar into passed, failed, running and not started, in that order', () => {
    const bar = fanOutBar(counts({ total: 30, started: 20, running: 5, passed: 12, failed: 3 }));
    expect(bar.segments).toEqual([
      { part: 'passed', count: 12, percent: 40 },
      { part: 'failed', count: 3, percent: 10 },
      { part: 'running', count: 5, percent: 16.7 },
      { part: 'rest', count: 10, percent: 33.3 },
    ]);
    expect(bar.text).toBe('12✓ 3✕ 5◐ /30');
    expect(bar.words).toBe('30 instances, 12 passed, 3 failed, 5 running, 10 not started');
  });

  it('leaves out empty parts and says skipped once a fail-fast fan-out ended', () => {
    const bar = fanOutBar(counts({ total: 10, started: 4, passed: 3, failed: 1, skipped: 6 }));
    expect(bar.segments.map((s) => s.part)).toEqual(['passed', 'failed', 'rest']);
    expect(bar.text).toBe('3✓ 1✕ /10');
    expect(bar.words).toContain('6 skipped');
  });

  it('shows an unknown total before a dynamic list is read', () => {
    const bar = fanOutBar(counts({}));
    expect(bar.segments).toEqual([]);
    expect(bar.text).toBe('0✓ /?');
    expect(bar.words).toMatch(/^unknown number of instances/);
  });
});
