import { describe, expect, it } from 'vitest';
import { checkLuaSyntax } from './syntax.js';

describe('checkLuaSyntax', () => {
  it('accepts valid scripts without running them', () => {
    expect(checkLuaSyntax(`while true do end`)).toBeUndefined();
    expect(checkLuaSyntax(`os.execute('rm -rf /')`)).toBeUndefined();
    expect(checkLuaSyntax('')).toBeUndefined();
  });

  it('reports the line and, when unambiguous, the column of the offending token', () => {
    expect(checkLuaSyntax(`input.a = 1\nlocal x = = 2`)).toEqual({
      line: 2,
      message: "unexpected symbol near '='",
    });
    expect(checkLuaSyntax(`log('a')\n\n  if then end`)).toEqual({
      line: 3,
      col: 6,
      message: "unexpected symbol near 'then'",
    });
    expect(checkLuaSyntax(`local s = "abc\nlog(s)`)).toEqual({
      line: 1,
      col: 11,
      message: `unfinished string near '"abc'`,
    });
  });

  it('points at the end for an unclosed block', () => {
    expect(checkLuaSyntax(`if input.a then\n  log('x')`)).toEqual({
      line: 2,
      col: 11,
      message: "'end' expected (to close 'if' at line 1) near <eof>",
    });
  });

  it('refuses bytecode', () => {
    expect(checkLuaSyntax('\x1bLua')).toEqual({
      line: 1,
      message: "attempt to load a binary chunk (mode is 't')",
    });
  });
});
