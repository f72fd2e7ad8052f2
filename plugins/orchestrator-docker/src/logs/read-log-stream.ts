import { Readable } from 'node:stream';
import type { LogChunk, LogOptions } from '@containerops/sdk';
import { LineAssembler } from './line-assembler.js';
import { createResumeFilter } from './log-resume.js';
import { DockerStreamDemuxer } from './stream-demuxer.js';

/** A daemon error inside a log stream (frame type 3), or a stream that is not multiplexed. */
export class DockerLogStreamError extends Error {}

/**
 * What a logs request returns: a stream with `follow=true`; dockerode buffers the whole body
 * into a Buffer when `follow=false`.
 */
export type DockerLogBody = NodeJS.ReadableStream | Buffer;

export interface ReadLogStreamOptions extends LogOptions {
  /** The request asked for `timestamps=true` (each frame then starts with its stamp). */
  readonly timestamps: boolean;
  /** Clock for lines without a Docker timestamp. */
  readonly now?: () => number;
}

/**
 * Demultiplexes `body` and yields the lines it completes, feeding `assembler` (which keeps any
 * unterminated last line: the caller decides whether to `flush` it). Ends normally when the body
 * ends or `signal` aborts; leaving the loop early destroys the stream.
 * @throws DockerLogStreamError when the daemon reports an error in the stream or the stream is
 *   malformed; connection errors other than an abort are rethrown as they are.
 */
export async function* assembleLogLines(
  body: DockerLogBody,
  assembler: LineAssembler,
  signal?: AbortSignal,
): AsyncGenerator<LogChunk> {
  const demuxer = new DockerStreamDemuxer();
  const readable = Buffer.isBuffer(body)
    ? Readable.from([body])
    : body instanceof Readable
      ? body
      : Readable.from(body);
  const abort = (): void => {
    readable.destroy();
  };
  if (signal?.aborted === true) abort();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of readable as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let frames;
      try {
        frames = demuxer.push(bytes);
      } catch (error) {
        throw new DockerLogStreamError((error as Error).message, { cause: error });
      }
      for (const frame of frames) {
        if (frame.stream === 'system') {
          const message = frame.payload.toString('utf8').trim();
          throw new DockerLogStreamError(`Docker reported an error in the log stream: ${message}`);
        }
        if (frame.stream === 'stdin') continue;
        yield* assembler.push(frame.stream, frame.payload);
      }
    }
  } catch (error) {
    if (signal?.aborted === true) return;
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
    readable.destroy();
  }
  if (signal?.aborted === true) return;
  try {
    demuxer.end();
  } catch (error) {
    throw new DockerLogStreamError((error as Error).message, { cause: error });
  }
}

/**
 * Reads a multiplexed Docker log body (container or service logs, `follow` or not) to its end
 * and yields its lines: demultiplexed across chunk boundaries, split into lines (the last one
 * even without a final newline), stamped, and filtered for resume (see `log-resume.ts`). Order
 * is preserved within each stream. Errors as {@link assembleLogLines}.
 */
export async function* readDockerLogStream(
  body: DockerLogBody,
  options: ReadLogStreamOptions,
): AsyncGenerator<LogChunk> {
  const assembler = new LineAssembler({
    timestamps: options.timestamps,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const keep = createResumeFilter(options.sinceTime, options.skipAtSinceTime);
  for await (const line of assembleLogLines(body, assembler, options.signal)) {
    if (keep(line)) yield line;
  }
  if (options.signal?.aborted === true) return;
  for (const line of assembler.flush()) {
    if (keep(line)) yield line;
  }
}
