import { describe, expect, it } from 'vitest';
import { parseCoutLine } from './cout.js';

describe('parseCoutLine', () => {
  it.each([
    ['[COUT] KEY = VALUE', 'KEY', 'VALUE'],
    ['[COUT] KEY=VALUE', 'KEY', 'VALUE'],
    ['[COUT]KEY=VALUE', 'KEY', 'VALUE'],
    ['[COUT]   url =  https://x/?a=b&c=d  ', 'url', 'https://x/?a=b&c=d'],
    ['[COUT] a.b-c_d = x', 'a.b-c_d', 'x'],
    ['[COUT] EMPTY =', 'EMPTY', ''],
    ['[COUT] CO_RESULT = false\r', 'CO_RESULT', 'false'],
    ['[COUT] K = a = b', 'K', 'a = b'],
  ])('%j is an output', (line, key, value) => {
    expect(parseCoutLine(line)).toEqual({ kind: 'output', key, value });
  });

  it.each([
    ['[COUT] build finished', 'build finished'],
    ['[COUT] two words = value', 'two words = value'],
    ['[COUT] 1KEY = x', '1KEY = x'],
    ['[COUT] = x', '= x'],
    ['[COUT]', ''],
  ])('%j is a message', (line, text) => {
    expect(parseCoutLine(line)).toEqual({ kind: 'message', text });
  });

  it.each(['KEY = VALUE', ' [COUT] KEY = VALUE', '[cout] KEY = VALUE', 'x [COUT] K=V', ''])(
    '%j is not a [COUT] line',
    (line) => {
      expect(parseCoutLine(line)).toBeUndefined();
    },
  );
});
