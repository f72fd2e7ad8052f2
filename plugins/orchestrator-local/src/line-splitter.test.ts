import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';
import type { SplitLines } from './line-splitter.js';

function split(chunks: readonly (string | Buffer)[], max?: number): string[] {
  return pieces(chunks, max).map(([text]) => text);
}

/** Every line or piece with whether it is marked partial. */
function pieces(chunks: readonly (string | Buffer)[], max?: number): [string, boolean][] {
  const splitter = new LineSplitter(max);
  const out: [string, boolean][] = [];
  const add = ({ lines, partial }: SplitLines): void => {
    lines.forEach((line, i) => out.push([line, partial.includes(i)]));
  };
  for (const chunk of chunks)
    add(splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  add(splitter.end());
  return out;
}

describe('LineSplitter', () => {
  it('splits on \\n, keeps empty lines, drops no trailing empty line', () => {
    expect(split(['a\n\nb\n'])).toEqual(['a', '', 'b']);
  });

  it('strips \\r of \\r\\n, also when \\r and \\n arrive in different chunks', () => {
    expect(split(['one\r\ntwo\r', '\nthree\r\n'])).toEqual(['one', 'two', 'three']);
  });

  it('keeps a final line without newline', () => {
    expect(split(['first\nlast'])).toEqual(['first', 'last']);
    expect(split(['par', 'tial'])).toEqual(['partial']);
  });

  it('joins lines spread over many chunks', () => {
    expect(split(['ab', 'c', 'd\ne', 'f\n'])).toEqual(['abcd', 'ef']);
  });

  it('decodes a UTF-8 character split across chunks', () => {
    const bytes = Buffer.from('日本語 ✓ 🚀\n');
    const chunks = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(split(chunks)).toEqual(['日本語 ✓ 🚀']);
  });

  it('delivers a line longer than the maximum in pieces, losing nothing', () => {
    expect(split(['abcdefghij\nxy'], 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
    expect(split(['abc', 'defgh', 'ij'], 4)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('marks every piece of an over-long line but the last as partial', () => {
    expect(pieces(['abcdefghij\nxy'], 4)).toEqual([
      ['abcd', true],
      ['efgh', true],
      ['ij', false],
      ['xy', false],
    ]);
    expect(pieces(['abc', 'defgh', 'ij\n', 'k'], 4)).toEqual([
      ['abcd', true],
      ['efgh', true],
      ['ij', false],
      ['k', false],
    ]);
  });

  it('handles a very long line in one piece under the default maximum', () => {
    const long = 'x'.repeat(300_000);
    const chunks = [long.slice(0, 65_536), long.slice(65_536), '\n'];
    expect(split(chunks)).toEqual([long]);
  });
});
