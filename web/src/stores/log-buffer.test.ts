import { describe, expect, it } from 'vitest';
import type { LogLine } from '../api/types.js';
import { LogBuffer, stripAnsi } from './log-buffer.js';

const line = (seq: number, text: string): LogLine => ({
  seq,
  text,
  stream: 'STDOUT',
  time: '2026-01-01T00:00:00.000Z',
});

describe('LogBuffer', () => {
  it('appends in order and drops replayed lines', () => {
    const log = new LogBuffer();
    expect(log.append([line(1, 'a'), line(2, 'b')])).toBe(2);
    expect(log.append([line(2, 'b'), line(3, 'c')])).toBe(1);
    expect(log.texts).toEqual(['a', 'b', 'c']);
    expect(log.lastSeq).toBe(3);
  });

  it('searches case-insensitively, ignoring colour codes', () => {
    const log = new LogBuffer();
    log.append([
      line(1, 'Build \u001b[32mOK\u001b[0m'),
      line(2, 'test failed'),
      line(3, 'ok again'),
    ]);
    expect(log.search('ok')).toEqual([0, 2]);
    expect(log.search('')).toEqual([]);
  });

  it("keeps each line's stream, also past the first growth of its storage", () => {
    const log = new LogBuffer();
    const streams = ['STDOUT', 'STDERR', 'SYSTEM'] as const;
    log.append(
      Array.from({ length: 3000 }, (_, i) => ({
        ...line(i + 1, `l${i}`),
        stream: streams[i % 3]!,
      })),
    );
    expect([0, 1, 2, 2998].map((i) => log.stream(i))).toEqual([
      'STDOUT',
      'STDERR',
      'SYSTEM',
      'STDERR',
    ]);
  });

  it("keeps each line's time, also past the first growth of its storage", () => {
    const log = new LogBuffer();
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    log.append(
      Array.from({ length: 3000 }, (_, i) => ({
        ...line(i + 1, `l${i}`),
        time: new Date(base + i * 10).toISOString(),
      })),
    );
    expect([0, 1, 2999].map((i) => log.time(i) - base)).toEqual([0, 10, 29_990]);
    expect(log.time(3000)).toBeNaN();
  });

  it('downloads as plain text', () => {
    const log = new LogBuffer();
    log.append([line(1, '\u001b[1mbold\u001b[0m'), line(2, 'x')]);
    expect(log.toText()).toBe('bold\nx\n');
    expect(stripAnsi('\u001b[31mr')).toBe('r');
  });

  it('holds 200,000 lines', () => {
    const log = new LogBuffer();
    const chunk = Array.from({ length: 200_000 }, (_, i) => line(i + 1, `line ${i + 1}`));
    expect(log.append(chunk)).toBe(200_000);
    expect(log.search('line 199999')).toEqual([199_998]);
  });
});
