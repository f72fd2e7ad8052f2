import { describe, expect, it } from 'vitest';
import { ContainerOpsError } from '../errors.js';
import { parseOutputFile } from './output-file.js';

function errorOf(fn: () => unknown): ContainerOpsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ContainerOpsError) return e;
    throw e;
  }
  throw new Error('expected a ContainerOpsError');
}

describe('parseOutputFile', () => {
  it('reads KEY=VALUE lines verbatim, values may contain =', () => {
    expect(parseOutputFile('A=1\nURL=https://x/?a=b\nSPACED= keep \nEMPTY=\n')).toEqual({
      A: '1',
      URL: 'https://x/?a=b',
      SPACED: ' keep ',
      EMPTY: '',
    });
  });

  it('reads heredocs and ignores blank lines between entries', () => {
    const content = [
      'VERSION=1.2.3',
      '',
      'NOTES<<EOF',
      'line one',
      '',
      'KEY=not an entry',
      'EOF',
      '  ',
      'NEXT << END ',
      'x',
      'END',
    ].join('\n');
    expect(parseOutputFile(content)).toEqual({
      VERSION: '1.2.3',
      NOTES: 'line one\n\nKEY=not an entry',
      NEXT: 'x',
    });
  });

  it('accepts CRLF and an empty heredoc; last duplicate wins', () => {
    expect(parseOutputFile('A=1\r\nB<<X\r\nX\r\nA=2\r\n')).toEqual({ A: '2', B: '' });
    expect(parseOutputFile('')).toEqual({});
  });

  it('rejects a malformed line with its line number', () => {
    const e = errorOf(() => parseOutputFile('A=1\n\nnot an entry\n'));
    expect(e.code).toBe('INVALID_OUTPUT_FILE');
    expect(e.kind).toBe('user');
    expect(e.message).toMatch(/^\$CO_OUTPUT line 3: expected KEY=VALUE or KEY<<DELIMITER/);
    expect(e.details).toEqual({ line: 3 });
    expect(() => parseOutputFile('1A=x')).toThrow(/line 1/);
  });

  it('rejects an unterminated heredoc at its opening line', () => {
    const e = errorOf(() => parseOutputFile('A=1\nNOTES<<EOF\nbody\nEOF \n'));
    expect(e.message).toBe(
      '$CO_OUTPUT line 2: heredoc for "NOTES" is never closed: add a line holding exactly "EOF"',
    );
  });

  it('rejects a heredoc without delimiter', () => {
    expect(() => parseOutputFile('A<<  \n')).toThrow(/line 1: heredoc for "A" has no delimiter/);
  });
});
