import { describe, expect, it } from 'vitest';
import { createResumeFilter, dockerSinceSeconds } from './log-resume.js';

describe('dockerSinceSeconds', () => {
  it('floors the resume point to the whole second Docker understands', () => {
    expect(dockerSinceSeconds(1_714_558_830_999)).toBe(1_714_558_830);
    expect(dockerSinceSeconds(1_714_558_830_000)).toBe(1_714_558_830);
  });

  it('asks for everything when there is no usable resume point', () => {
    expect(dockerSinceSeconds(undefined)).toBeUndefined();
    expect(dockerSinceSeconds(0)).toBeUndefined();
    expect(dockerSinceSeconds(Number.NaN)).toBeUndefined();
  });
});

describe('createResumeFilter', () => {
  const times = [900, 999, 1000, 1000, 1000, 1001, 1000, 1500];
  const kept = (filter: (line: { time: number }) => boolean): number[] =>
    times
      .map((time, index) => ({ time, index }))
      .filter((line) => filter(line))
      .map((line) => line.index);

  it('keeps everything without a resume point', () => {
    expect(kept(createResumeFilter(undefined))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('drops lines before sinceTime and the first skipAtSinceTime lines at it', () => {
    expect(kept(createResumeFilter(1000, 2))).toEqual([4, 5, 6, 7]);
  });

  it('with nothing to skip, keeps every line at sinceTime', () => {
    expect(kept(createResumeFilter(1000))).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('counts skipped lines at sinceTime wherever they appear (both streams, storage order)', () => {
    expect(kept(createResumeFilter(1000, 4))).toEqual([5, 7]);
  });
});
