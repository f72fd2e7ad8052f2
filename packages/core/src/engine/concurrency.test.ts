import { describe, expect, it } from 'vitest';
import { ConcurrencyGroups } from './concurrency.js';

describe('ConcurrencyGroups', () => {
  it('admits up to the limit and starts queued runs in FIFO order as slots free up', () => {
    const groups = new ConcurrencyGroups();
    const started: string[] = [];
    const start = (id: string) => () => started.push(id);
    expect(groups.acquire('g', 2, 'r1', start('r1'))).toBe(true);
    expect(groups.acquire('g', 2, 'r2', start('r2'))).toBe(true);
    expect(groups.acquire('g', 2, 'r3', start('r3'))).toBe(false);
    expect(groups.acquire('g', 2, 'r4', start('r4'))).toBe(false);
    expect(groups.acquire('other', 1, 'x1', start('x1'))).toBe(true);
    expect(groups.members('g')).toEqual({ running: ['r1', 'r2'], queued: ['r3', 'r4'] });
    groups.release('g', 'r2');
    expect(started).toEqual(['r3']);
    groups.release('g', 'r4'); // a queued run leaves the queue without starting
    groups.release('g', 'r1');
    groups.release('g', 'r3');
    expect(started).toEqual(['r3']);
    expect(groups.members('g')).toEqual({ running: [], queued: [] });
    groups.release('nope', 'r1');
  });

  it('a newcomer does not jump the queue even when a slot is free', () => {
    const groups = new ConcurrencyGroups();
    const started: string[] = [];
    groups.acquire('g', 1, 'r1', () => started.push('r1'));
    groups.acquire('g', 1, 'r2', () => started.push('r2'));
    groups.release('g', 'r1');
    expect(groups.acquire('g', 1, 'r3', () => started.push('r3'))).toBe(false);
    groups.release('g', 'r2');
    expect(started).toEqual(['r2', 'r3']);
  });
});
