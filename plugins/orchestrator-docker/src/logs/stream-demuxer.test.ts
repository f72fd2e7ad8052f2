import { describe, expect, it } from 'vitest';
import { DockerStreamDemuxer } from './stream-demuxer.js';
import type { DockerFrame } from './stream-demuxer.js';
import { chunks, frame } from './testdata/frames.js';

function demuxAll(parts: readonly Buffer[]): DockerFrame[] {
  const demuxer = new DockerStreamDemuxer();
  const frames = parts.flatMap((part) => demuxer.push(part));
  demuxer.end();
  return frames;
}

const simplify = (frames: DockerFrame[]): [string, string][] =>
  frames.map((f) => [f.stream, f.payload.toString('utf8')]);

describe('DockerStreamDemuxer', () => {
  const stream = Buffer.concat([
    frame('stdout', 'hello\n'),
    frame('stderr', 'oops\n'),
    frame('stdout', ''),
    frame('stdout', 'x'.repeat(70_000)),
    frame('system', 'daemon error'),
  ]);
  const expected = simplify(demuxAll([stream]));

  it('reads several frames from one chunk', () => {
    expect(expected.map(([s, p]) => [s, p.length])).toEqual([
      ['stdout', 6],
      ['stderr', 5],
      ['stdout', 0],
      ['stdout', 70_000],
      ['system', 12],
    ]);
  });

  it.each([1, 3, 7, 8, 9, 4096])(
    'gives the same frames when the stream is cut into %i-byte chunks',
    (size) => {
      expect(simplify(demuxAll(chunks(stream, size)))).toEqual(expected);
    },
  );

  it('returns a frame only once its payload is complete', () => {
    const demuxer = new DockerStreamDemuxer();
    const data = frame('stdout', 'abcdef');
    expect(demuxer.push(data.subarray(0, 10))).toEqual([]);
    expect(simplify(demuxer.push(data.subarray(10)))).toEqual([['stdout', 'abcdef']]);
  });

  it('rejects data that is not multiplexed (TTY output)', () => {
    expect(() => new DockerStreamDemuxer().push(Buffer.from('plain text output\n'))).toThrow(
      /not a Docker multiplexed stream/,
    );
  });

  it('reports a stream cut inside a frame at end()', () => {
    const demuxer = new DockerStreamDemuxer();
    demuxer.push(frame('stdout', 'abcdef').subarray(0, 11));
    expect(() => demuxer.end()).toThrow(/ended inside a frame/);
  });
});
