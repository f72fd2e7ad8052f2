import { describe, expect, it } from 'vitest';
import type { LogChunk } from '@containerops/sdk';
import { LogProgress } from './log-progress.js';

const line = (stream: 'stdout' | 'stderr', time: number): LogChunk => ({ stream, text: '', time });

describe('LogProgress', () => {
  it('re-reads from one second before the latest line and counts what to skip per stream', () => {
    const p = new LogProgress();
    for (const t of [1_000, 5_100, 7_200, 8_000, 8_999]) p.record(line('stdout', t));
    for (const t of [6_500, 7_000, 8_100]) p.record(line('stderr', t));
    expect(p.cutoff(undefined, undefined)).toEqual({
      sinceSeconds: 7,
      skip: { stdout: 3, stderr: 2 },
    });
  });

  it('moves the cutoff back to a pending line that began earlier', () => {
    const p = new LogProgress();
    for (const t of [6_100, 7_100, 8_100]) p.record(line('stdout', t));
    expect(p.cutoff(6_500, undefined)).toEqual({ sinceSeconds: 6, skip: { stdout: 3, stderr: 0 } });
  });

  it('falls back to a full re-read, skipping every delivered line, when a pending line is older than the window', () => {
    const p = new LogProgress();
    for (const t of [1_000, 2_000, 9_000]) p.record(line('stdout', t));
    p.record(line('stderr', 1_500));
    expect(p.cutoff(1_200, 3)).toEqual({ sinceSeconds: 3, skip: { stdout: 3, stderr: 1 } });
  });

  it('with nothing read, re-reads from the original since', () => {
    expect(new LogProgress().cutoff(undefined, 12)).toEqual({
      sinceSeconds: 12,
      skip: { stdout: 0, stderr: 0 },
    });
  });
});

describe('LogProgress after a resumed first read', () => {
  it('never re-reads from before the first read started', () => {
    const p = new LogProgress();
    for (const t of [10_100, 10_200]) p.record(line('stdout', t));
    expect(p.cutoff(undefined, 10)).toEqual({ sinceSeconds: 10, skip: { stdout: 2, stderr: 0 } });
  });
});
