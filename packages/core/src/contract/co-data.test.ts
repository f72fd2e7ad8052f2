import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { formatCoData, parseCoData } from './co-data.js';

describe('parseCoData', () => {
  it('reads space-separated key=value pairs', () => {
    expect(parseCoData('repo=https://git.example.com/a.git branch=main')).toEqual({
      repo: 'https://git.example.com/a.git',
      branch: 'main',
    });
  });

  it('splits on the first = so values may contain =', () => {
    expect(parseCoData('url=https://x/?a=b&c=d flags=-mod=vendor')).toEqual({
      url: 'https://x/?a=b&c=d',
      flags: '-mod=vendor',
    });
  });

  it('accepts any whitespace and empty values', () => {
    expect(parseCoData('  a=1\tb=\n c=3  ')).toEqual({ a: '1', b: '', c: '3' });
  });

  it('reads double-quoted values with escapes', () => {
    expect(parseCoData('msg="hello world" q="say \\"hi\\"" back="a\\\\b" next=1')).toEqual({
      msg: 'hello world',
      q: 'say "hi"',
      back: 'a\\b',
      next: '1',
    });
  });

  it('takes the rest of the string for an unterminated quote', () => {
    expect(parseCoData('a=1 msg="open end')).toEqual({ a: '1', msg: 'open end' });
  });

  it('ignores tokens without = and empty keys; last duplicate wins', () => {
    expect(parseCoData('stray a=1 =x word a=2')).toEqual({ a: '2' });
    expect(parseCoData('')).toEqual({});
  });
});

describe('formatCoData', () => {
  it('writes bare pairs in order, quoting values with spaces', () => {
    expect(formatCoData({ repo: 'r', msg: 'a b', eq: 'x=y', empty: '' })).toBe(
      'repo=r msg="a b" eq=x=y empty=',
    );
  });

  it('round-trips through parseCoData', () => {
    const map = {
      a: 'plain',
      b: 'with space',
      c: '"starts quoted',
      d: 'back\\slash "q"',
      e: 'tab\there',
    };
    expect(parseCoData(formatCoData(map))).toEqual(map);
  });

  it('refuses keys that cannot be written', () => {
    expect(() => formatCoData({ 'a b': '1' })).toThrow(UserError);
    expect(() => formatCoData({ 'a=b': '1' })).toThrow(/cannot be passed in CO_DATA/);
    expect(() => formatCoData({ '': '1' })).toThrow(UserError);
  });
});
