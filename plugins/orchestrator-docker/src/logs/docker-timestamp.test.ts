import { describe, expect, it } from 'vitest';
import { parseDockerTimestamp, splitTimestamp } from './docker-timestamp.js';

describe('parseDockerTimestamp', () => {
  it('reads RFC3339Nano in UTC, truncating below the millisecond', () => {
    expect(parseDockerTimestamp('2024-05-01T10:20:30.123999999Z')).toBe(
      Date.UTC(2024, 4, 1, 10, 20, 30, 123),
    );
  });

  it('accepts fewer fractional digits, none, and offsets', () => {
    expect(parseDockerTimestamp('2024-05-01T10:20:30.5Z')).toBe(
      Date.UTC(2024, 4, 1, 10, 20, 30, 500),
    );
    expect(parseDockerTimestamp('2024-05-01T10:20:30Z')).toBe(Date.UTC(2024, 4, 1, 10, 20, 30));
    expect(parseDockerTimestamp('2024-05-01T12:20:30.000000001+02:00')).toBe(
      Date.UTC(2024, 4, 1, 10, 20, 30),
    );
  });

  it('returns undefined for anything else', () => {
    expect(parseDockerTimestamp('hello')).toBeUndefined();
    expect(parseDockerTimestamp('2024-05-01 10:20:30Z')).toBeUndefined();
    expect(parseDockerTimestamp('2024-05-01T10:20:30.1234567890Z')).toBeUndefined();
  });
});

describe('splitTimestamp', () => {
  it('splits the stamp from the text at the first space', () => {
    const { time, text } = splitTimestamp(
      Buffer.from('2024-05-01T10:20:30.000000000Z hello world\n'),
    );
    expect(time).toBe(Date.UTC(2024, 4, 1, 10, 20, 30));
    expect(text.toString()).toBe('hello world\n');
  });

  it('keeps a payload without a stamp whole', () => {
    expect(splitTimestamp(Buffer.from('no stamp here')).time).toBeUndefined();
    expect(splitTimestamp(Buffer.from('no stamp here')).text.toString()).toBe('no stamp here');
  });
});
