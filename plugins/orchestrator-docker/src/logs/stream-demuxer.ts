/**
 * Docker's multiplexed stream format (attach and logs of a container created without a TTY):
 * a sequence of frames, each an 8-byte header `[stream, 0, 0, 0, size (uint32 big-endian)]`
 * followed by `size` bytes of payload. Stream 1 is stdout, 2 is stderr, 3 is an error the daemon
 * reports in the middle of the stream. HTTP chunks do not align with frames: a header or a
 * payload may be split across any number of chunks, and one chunk may hold many frames.
 */

/** Which stream a frame belongs to; `system` carries a daemon error message. */
export type DockerFrameStream = 'stdin' | 'stdout' | 'stderr' | 'system';

export interface DockerFrame {
  readonly stream: DockerFrameStream;
  readonly payload: Buffer;
}

const HEADER_SIZE = 8;
const STREAMS: readonly DockerFrameStream[] = ['stdin', 'stdout', 'stderr', 'system'];

/**
 * Incremental demuxer: feed it the raw chunks in order with {@link push}, get back every frame
 * completed so far; call {@link end} when the byte stream ends. Not thread-safe (one per stream).
 * Only the bytes of the current incomplete frame are buffered, so memory stays bounded by the
 * largest frame.
 */
export class DockerStreamDemuxer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /**
   * Adds one chunk and returns the frames it completes, in stream order.
   * @throws Error when a header names an unknown stream type (the input is not multiplexed, e.g.
   *   a container created with a TTY).
   */
  push(chunk: Buffer): DockerFrame[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: DockerFrame[] = [];
    while (this.buffered >= HEADER_SIZE) {
      const header = this.peek(HEADER_SIZE);
      const type = header[0] ?? 255;
      const stream = STREAMS[type];
      if (stream === undefined || header[1] !== 0 || header[2] !== 0 || header[3] !== 0) {
        throw new Error(
          `not a Docker multiplexed stream: bad frame header ${header.toString('hex')} (TTY container?)`,
        );
      }
      const size = header.readUInt32BE(4);
      if (this.buffered < HEADER_SIZE + size) break;
      const frame = this.take(HEADER_SIZE + size);
      frames.push({ stream, payload: frame.subarray(HEADER_SIZE) });
    }
    return frames;
  }

  /**
   * Declares the end of input.
   * @throws Error when a frame was cut short (the connection ended in the middle of a frame).
   */
  end(): void {
    if (this.buffered > 0) {
      const pending = this.buffered;
      this.chunks = [];
      this.buffered = 0;
      throw new Error(`Docker stream ended inside a frame (${pending} bytes left over)`);
    }
  }

  /** The first `n` buffered bytes, without consuming them (copies only the chunks needed). */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) return first.subarray(0, n);
    const parts: Buffer[] = [];
    let have = 0;
    for (const chunk of this.chunks) {
      parts.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
    return Buffer.concat(parts, have).subarray(0, n);
  }

  /** Removes and returns the first `n` buffered bytes (`n <= buffered`). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return all.subarray(0, n);
  }
}
