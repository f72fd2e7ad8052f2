import { describe, expect, it } from 'vitest';
import { anyPathPasses, globListOf, passes } from './glob-filters.js';

describe('passes', () => {
  it('lets everything through when the block has no list', () => {
    expect(passes(undefined, 'anything/at/all')).toBe(true);
  });

  it('matches any of the globs, with ** across slashes and {a,b}', () => {
    const branches = ['main', 'release/**', 'hotfix-{a,b}'];
    expect(passes(branches, 'main')).toBe(true);
    expect(passes(branches, 'release/2026/12')).toBe(true);
    expect(passes(branches, 'hotfix-b')).toBe(true);
    expect(passes(branches, 'feature/x')).toBe(false);
    expect(passes(branches, 'mainline')).toBe(false);
  });

  it('excludes with ! even when another glob includes', () => {
    const paths = ['src/**', '!**/*.md'];
    expect(passes(paths, 'src/engine/run.ts')).toBe(true);
    expect(passes(paths, 'src/README.md')).toBe(false);
  });

  it('reads a list of only exclusions as "everything but"', () => {
    expect(passes(['!docs/**'], 'src/a.ts')).toBe(true);
    expect(passes(['!docs/**'], 'docs/a.md')).toBe(false);
  });

  it('matches dot files, which a CI trigger must see (.github/workflows)', () => {
    expect(passes(['**/*.yml'], '.github/workflows/ci.yml')).toBe(true);
  });

  it('lets everything through with an empty list (nothing to include, nothing to exclude)', () => {
    expect(passes([], 'main')).toBe(true);
  });
});

describe('anyPathPasses', () => {
  it('passes when one changed path passes', () => {
    expect(anyPathPasses(['src/**'], ['README.md', 'src/a.ts'])).toBe(true);
    expect(anyPathPasses(['src/**'], ['README.md', 'docs/a.md'])).toBe(false);
  });

  it('never passes a filtered block with no changed paths; always without a filter', () => {
    expect(anyPathPasses(['src/**'], [])).toBe(false);
    expect(anyPathPasses(undefined, [])).toBe(true);
  });
});

describe('globListOf', () => {
  it('reads absent, null, a string and a list of strings', () => {
    expect(globListOf(undefined, 'branches')).toBeUndefined();
    expect(globListOf(null, 'branches')).toBeUndefined();
    expect(globListOf('main', 'branches')).toEqual(['main']);
    expect(globListOf(['main', 'dev'], 'branches')).toEqual(['main', 'dev']);
  });

  it('names the field when the value is of another shape', () => {
    expect(globListOf(7, 'tags')).toBe('tags must be a glob or a list of globs');
    expect(globListOf(['v*', 1], 'tags')).toBe('tags must be a glob or a list of globs');
    expect(globListOf({ main: true }, 'branches')).toBe(
      'branches must be a glob or a list of globs',
    );
  });
});
