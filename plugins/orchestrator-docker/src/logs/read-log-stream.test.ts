import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerLogStreamError, readDockerLogStream } from './read-log-stream.js';
import { chunks, frame, message } from './testdata/frames.js';

const T = Date.UTC(2024, 4, 1, 10, 0, 0);

async function texts(
  body: NodeJS.ReadableStream | Buffer,
  sinceTime?: number,
  skip?: number,
): Promise<string[]> {
  const out: string[] = [];
  const options = {
    timestamps: true,
    ...(sinceTime === undefined ? {} : { sinceTime }),
    ...(skip === undefined ? {} : { skipAtSinceTime: skip }),
  };
  for await (const line of readDockerLogStream(body, options))
    out.push(`${line.stream}:${line.text}`);
  return out;
}

describe('readDockerLogStream', () => {
  const data = Buffer.concat([
    message('stdout', T, 'one\n'),
    message('stderr', T + 1, 'err\r\n'),
    message('stdout', T + 2, 'two '),
    message('stdout', T + 3, 'halves\n'),
    message('stdout', T + 4, 'last'),
  ]);

  it('reads a stream delivered in odd-sized chunks, with the final line without newline', async () => {
    expect(await texts(Readable.from(chunks(data, 5)))).toEqual([
      'stdout:one',
      'stderr:err',
      'stdout:two halves',
      'stdout:last',
    ]);
  });

  it('reads a buffered (non-follow) body the same way', async () => {
    expect(await texts(data)).toEqual([
      'stdout:one',
      'stderr:err',
      'stdout:two halves',
      'stdout:last',
    ]);
  });

  it('resumes after a given line without duplicates', async () => {
    expect(await texts(data, T + 1, 1)).toEqual(['stdout:two halves', 'stdout:last']);
  });

  it('throws DockerLogStreamError when the daemon reports an error in the stream', async () => {
    const broken = Buffer.concat([
      message('stdout', T, 'ok\n'),
      frame('system', 'error grabbing logs'),
    ]);
    await expect(texts(broken)).rejects.toBeInstanceOf(DockerLogStreamError);
  });

  it('delivers 100,000 lines in order', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      message('stdout', T + i, `line ${i + 1}\n`),
    );
    const out = await texts(Readable.from(chunks(Buffer.concat(lines), 16_384)));
    expect(out).toHaveLength(100_000);
    expect(out.findIndex((text, i) => text !== `stdout:line ${i + 1}`)).toBe(-1);
  });
});
