import { describe, expect, it } from 'vitest';
import { changedPathsOf, obj, pushedRefOf, str } from './payload-fields.js';

describe('obj and str', () => {
  it('accept only a JSON object and a non-empty string', () => {
    expect(obj({ a: 1 })).toEqual({ a: 1 });
    expect(obj([1])).toBeUndefined();
    expect(obj(null)).toBeUndefined();
    expect(obj('x')).toBeUndefined();
    expect(str('main')).toBe('main');
    expect(str('')).toBeUndefined();
    expect(str(3)).toBeUndefined();
  });
});

describe('changedPathsOf', () => {
  it('joins added, modified and removed of every commit and of the extra ones, once each', () => {
    const commits = [
      { added: ['a.ts'], modified: ['b.ts'], removed: [] },
      { added: [], modified: ['b.ts', 'c.ts'], removed: ['d.ts'] },
    ];
    const head = { added: ['e.ts'], modified: ['a.ts'] };
    expect(changedPathsOf(commits, head)).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts']);
  });

  it('skips what is not a path instead of throwing', () => {
    expect(changedPathsOf([null, 'x', { added: 'a.ts' }, { modified: [1, 'ok.ts'] }])).toEqual([
      'ok.ts',
    ]);
  });

  it('says nothing about files when commits is not a list', () => {
    expect(changedPathsOf(undefined)).toBeUndefined();
    expect(changedPathsOf({ added: ['a.ts'] })).toBeUndefined();
  });
});

describe('pushedRefOf', () => {
  it('reads branches and tags, with slashes kept', () => {
    expect(pushedRefOf('refs/heads/release/1.2')).toEqual({ branch: 'release/1.2' });
    expect(pushedRefOf('refs/tags/v1.2.0')).toEqual({ tag: 'v1.2.0' });
  });

  it('ignores other refs with a reason', () => {
    expect(pushedRefOf('refs/notes/commits')).toEqual({
      ignored: 'a push to refs/notes/commits, neither branch nor tag',
    });
  });
});
