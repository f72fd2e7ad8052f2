import { describe, expect, it } from 'vitest';
import { LogLineSplitter, MAX_LINE_CHARS, parseStamp, sinceTimeOf } from './log-lines.js';
import { ResumePoint } from './resume-point.js';

describe('parseStamp', () => {
  it('normalises RFC 3339 stamps to sortable nanosecond text and ms', () => {
    expect(parseStamp('2026-12-07T12:00:00.5Z')).toEqual({
      stamp: '2026-12-07T12:00:00.500000000',
      time: Date.parse('2026-12-07T12:00:00.500Z'),
    });
    expect(parseStamp('2026-12-07T12:00:00Z')?.stamp).toBe('2026-12-07T12:00:00.000000000');
    expect(parseStamp('2026-12-07T13:00:00.123456789+01:00')?.stamp).toBe(
      '2026-12-07T12:00:00.123456789',
    );
    expect(parseStamp('hello')).toBeUndefined();
    expect(sinceTimeOf('2026-12-07T12:00:00.123456789')).toBe('2026-12-07T12:00:00Z');
  });
});

describe('LogLineSplitter', () => {
  it('splits stamped lines across arbitrary chunk boundaries, multi-byte characters included', () => {
    const body = Buffer.from(
      '2026-12-07T12:00:00.1Z héllo ✓\n2026-12-07T12:00:00.2Z \n2026-12-07T12:00:00.3Z last',
    );
    const splitter = new LogLineSplitter();
    const lines = [];
    for (let i = 0; i < body.length; i += 3) lines.push(...splitter.push(body.subarray(i, i + 3)));
    lines.push(...splitter.end());
    expect(lines.map((l) => [l.text, l.partial])).toEqual([
      ['héllo ✓', false],
      ['', false],
      ['last', false],
    ]);
    expect(lines[1]?.stamp).toBe('2026-12-07T12:00:00.200000000');
  });

  it('gives a line over 1 Mi characters in pieces, each but the last partial, with its stamp', () => {
    const text = 'a'.repeat(MAX_LINE_CHARS * 2 + 5);
    const splitter = new LogLineSplitter();
    const lines = [
      ...splitter.push(`2026-12-07T12:00:00Z ${text}\n2026-12-07T12:00:01Z after\n`),
      ...splitter.end(),
    ];
    expect(lines.map((l) => [l.text.length, l.partial])).toEqual([
      [MAX_LINE_CHARS, true],
      [MAX_LINE_CHARS, true],
      [5, false],
      [5, false],
    ]);
    expect(new Set(lines.slice(0, 3).map((l) => l.stamp)).size).toBe(1);
  });
});

describe('ResumePoint', () => {
  const line = (stamp: string, text: string) => ({
    stamp: `2026-12-07T12:00:0${stamp}`,
    time: 0,
    text,
    partial: false,
  });

  it('drops what a resumed read repeats, including lines sharing the last stamp', () => {
    const resume = new ResumePoint();
    const first = [line('1.000000000', 'a'), line('2.000000000', 'b'), line('2.000000000', 'c')];
    expect(first.map((l) => resume.accept(l))).toEqual([true, true, true]);
    resume.restart();
    // The server resends from the second (sinceTime is whole seconds): b and c again, then d.
    const again = [
      line('2.000000000', 'b'),
      line('2.000000000', 'c'),
      line('2.000000000', 'd'),
      line('3.000000000', 'e'),
    ];
    expect(again.map((l) => resume.accept(l))).toEqual([false, false, true, true]);
  });

  it("applies the engine's resume point (sinceTime ms + lines to skip at it)", () => {
    const resume = new ResumePoint(1_000, 1);
    const at = (time: number, text: string) => ({ stamp: `s${time}`, time, text, partial: false });
    expect(
      [at(999, 'old'), at(1_000, 'stored'), at(1_000, 'new'), at(1_001, 'newer')].map((l) =>
        resume.accept(l),
      ),
    ).toEqual([false, false, true, true]);
  });
});
