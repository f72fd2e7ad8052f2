import { describe, expect, it } from 'vitest';
import { demuxBuffer } from './docker-runtime.js';
import { dockerLogOptions, parseLogQuery } from './log-server.js';
import { parseTaint } from './main.js';
import { microTime } from './node-registration.js';

describe('parseLogQuery / dockerLogOptions', () => {
  it('maps the kubelet query to Docker’s log options', () => {
    const query = parseLogQuery(
      new URLSearchParams('follow=true&timestamps=true&tailLines=5&sinceSeconds=30&limitBytes=100'),
    );
    expect(query).toEqual({
      stream: 'All',
      follow: true,
      timestamps: true,
      previous: false,
      tailLines: 5,
      sinceSeconds: 30,
      limitBytes: 100,
    });
    expect(dockerLogOptions(query, 1000)).toEqual({
      stdout: true,
      stderr: true,
      timestamps: true,
      tail: 5,
      since: 970,
    });
  });

  it('takes sinceTime when sinceSeconds is absent, and rejects bad numbers', () => {
    const query = parseLogQuery(new URLSearchParams('sinceTime=1970-01-01T00:01:40Z'));
    expect(dockerLogOptions(query, 1000)).toMatchObject({ since: 100, timestamps: false });
    expect(() => parseLogQuery(new URLSearchParams('tailLines=-1'))).toThrow(
      'tailLines must be a non-negative integer',
    );
  });
});

describe('stream', () => {
  it('selects one of stdout and stderr, or both', () => {
    const options = (stream: string) =>
      dockerLogOptions(parseLogQuery(new URLSearchParams(stream)), 0);
    expect(options('stream=Stdout')).toMatchObject({ stdout: true, stderr: false });
    expect(options('stream=Stderr')).toMatchObject({ stdout: false, stderr: true });
    expect(options('stream=All')).toMatchObject({ stdout: true, stderr: true });
    expect(options('')).toMatchObject({ stdout: true, stderr: true });
    expect(() => options('stream=stdout')).toThrow(
      'stream must be Stdout, Stderr or All, not "stdout"',
    );
  });
});

describe('demuxBuffer', () => {
  it('joins the payloads of Docker’s multiplexed frames', () => {
    const frame = (stream: number, text: string): Buffer => {
      const header = Buffer.alloc(8);
      header.writeUInt8(stream, 0);
      header.writeUInt32BE(Buffer.byteLength(text), 4);
      return Buffer.concat([header, Buffer.from(text)]);
    };
    expect(demuxBuffer(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')])).toString()).toBe(
      'out\nerr\n',
    );
  });
});

describe('small formats', () => {
  it('writes a Lease MicroTime with six fractional digits', () => {
    expect(microTime(new Date('2026-12-07T10:00:00.123Z'))).toBe('2026-12-07T10:00:00.123000Z');
  });

  it('parses --taint', () => {
    expect(parseTaint('a.b/c=d:NoSchedule')).toEqual({
      key: 'a.b/c',
      value: 'd',
      effect: 'NoSchedule',
    });
    expect(parseTaint('x:NoExecute')).toEqual({ key: 'x', effect: 'NoExecute' });
    expect(() => parseTaint('x')).toThrow('expected KEY=VALUE:EFFECT');
  });
});
