import { describe, expect, it } from 'vitest';
import { LineAssembler } from './line-assembler.js';
import { stamp } from './testdata/frames.js';

const T = Date.UTC(2024, 4, 1, 10, 20, 30, 0);
const msg = (ms: number, text: string): Buffer => Buffer.from(`${stamp(ms, 999_999)} ${text}`);

describe('LineAssembler', () => {
  it('stamps each line with its Docker timestamp and strips it', () => {
    const a = new LineAssembler({ timestamps: true });
    expect(a.push('stdout', msg(T, 'one\n'))).toEqual([{ stream: 'stdout', text: 'one', time: T }]);
    expect(a.push('stderr', msg(T + 7, 'two\n'))).toEqual([
      { stream: 'stderr', text: 'two', time: T + 7 },
    ]);
  });

  it("joins Docker's partial messages; the line keeps the time of its first fragment", () => {
    const a = new LineAssembler({ timestamps: true });
    expect(a.push('stdout', msg(T, 'begin '))).toEqual([]);
    expect(a.push('stdout', msg(T + 1, 'middle '))).toEqual([]);
    expect(a.push('stdout', msg(T + 2, 'end\nnext'))).toEqual([
      { stream: 'stdout', text: 'begin middle end', time: T },
    ]);
    expect(a.flush()).toEqual([{ stream: 'stdout', text: 'next', time: T + 2 }]);
  });

  it('keeps the streams apart while lines of both are pending', () => {
    const a = new LineAssembler({ timestamps: true });
    a.push('stdout', msg(T, 'out-a '));
    a.push('stderr', msg(T + 1, 'err-a '));
    expect(a.push('stdout', msg(T + 2, 'out-b\n'))).toEqual([
      { stream: 'stdout', text: 'out-a out-b', time: T },
    ]);
    expect(a.push('stderr', msg(T + 3, 'err-b\n'))).toEqual([
      { stream: 'stderr', text: 'err-a err-b', time: T + 1 },
    ]);
  });

  it('drops \\r of \\r\\n, even when \\n comes in the next frame; keeps lone \\r and empty lines', () => {
    const a = new LineAssembler({ timestamps: true });
    expect(a.push('stdout', msg(T, 'windows\r\n')).map((l) => l.text)).toEqual(['windows']);
    expect(a.push('stdout', msg(T, 'split\r'))).toEqual([]);
    expect(a.push('stdout', msg(T, '\n')).map((l) => l.text)).toEqual(['split']);
    expect(a.push('stdout', msg(T, '10%\r20%\n')).map((l) => l.text)).toEqual(['10%\r20%']);
    expect(a.push('stdout', msg(T, '\n')).map((l) => l.text)).toEqual(['']);
  });

  it('emits the last line without a newline on flush, oldest first, then nothing', () => {
    const a = new LineAssembler({ timestamps: true });
    a.push('stderr', msg(T + 5, 'err tail'));
    a.push('stdout', msg(T + 1, 'out tail'));
    expect(a.pendingTime()).toBe(T + 1);
    expect(a.flush().map((l) => `${l.stream}:${l.text}`)).toEqual([
      'stdout:out tail',
      'stderr:err tail',
    ]);
    expect(a.flush()).toEqual([]);
    expect(a.pendingTime()).toBeUndefined();
  });

  it('decodes a UTF-8 character split across frames', () => {
    const a = new LineAssembler({ timestamps: false, now: () => 42 });
    const bytes = Buffer.from('日本\n', 'utf8');
    expect(a.push('stdout', bytes.subarray(0, 4))).toEqual([]);
    expect(a.push('stdout', bytes.subarray(4))).toEqual([
      { stream: 'stdout', text: '日本', time: 42 },
    ]);
  });

  it('without timestamps, splits several lines of one frame and stamps them with now()', () => {
    const a = new LineAssembler({ timestamps: false, now: () => 7 });
    expect(a.push('stdout', Buffer.from('a\nb\nc'))).toEqual([
      { stream: 'stdout', text: 'a', time: 7 },
      { stream: 'stdout', text: 'b', time: 7 },
    ]);
    expect(a.flush()).toEqual([{ stream: 'stdout', text: 'c', time: 7 }]);
  });

  it('cuts a line longer than maxLineBytes without splitting a character', () => {
    const a = new LineAssembler({ timestamps: false, now: () => 1, maxLineBytes: 5 });
    const lines = a.push('stdout', Buffer.from('abcdé€fgh', 'utf8'));
    expect(lines.map((l) => l.text)).toEqual(['abcd', 'é€']);
    expect(a.flush().map((l) => l.text)).toEqual(['fgh']);
  });

  it('marks every piece of a cut line but the last as partial', () => {
    const a = new LineAssembler({ timestamps: false, now: () => 1, maxLineBytes: 4 });
    const lines = [
      ...a.push('stdout', Buffer.from('[COUT] K = vvvv')),
      ...a.push('stdout', Buffer.from('v\nnext\n')),
    ];
    expect(lines.map((l) => [l.text, l.partial === true])).toEqual([
      ['[COU', true],
      ['T] K', true],
      [' = v', true],
      ['vvvv', false],
      ['next', false],
    ]);
  });
});
