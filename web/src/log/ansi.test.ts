import { describe, expect, it } from 'vitest';
import { parseAnsi } from './ansi.js';

describe('parseAnsi', () => {
  it('returns plain text as one segment', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello' }]);
  });

  it('colours and resets', () => {
    expect(parseAnsi('a \u001b[31;1mred\u001b[0m b')).toEqual([
      { text: 'a ' },
      { text: 'red', fg: '#e5534b', bold: true },
      { text: ' b' },
    ]);
  });

  it('reads 256-colour and true-colour codes', () => {
    expect(parseAnsi('\u001b[38;5;196mx')[0]?.fg).toBe('rgb(255,0,0)');
    expect(parseAnsi('\u001b[48;2;1;2;3my')[0]?.bg).toBe('rgb(1,2,3)');
  });

  it('drops non-colour escapes', () => {
    expect(parseAnsi('\u001b[2Kdone\u001b]0;title\u0007!')).toEqual([
      { text: 'done' },
      { text: '!' },
    ]);
  });
});
