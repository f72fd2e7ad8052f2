import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: readonly (string | Buffer)[], max?: number): string[] {
  const splitter = new LineSplitter(max);
  const out: string[] = [];
  for (const chunk of chunks)
    out.push(...splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  out.push(...splitter.end());
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

  it('handles a very long line in one piece under the default maximum', () => {
    const long = 'x'.repeat(300_000);
    const chunks = [long.slice(0, 65_536), long.slice(65_536), '\n'];
    expect(split(chunks)).toEqual([long]);
  });
});
