/**
 * Docker's multiplexed log stream (8-byte frame headers: stream, 3 zero bytes, payload size)
 * turned into the plain text the kubelet serves. One rule matters beyond demultiplexing: Docker
 * splits a line longer than 16 KiB into fragments and, with `timestamps`, stamps EACH fragment,
 * while the kubelet stamps only the start of a line (its CRI reader adds the prefix only when the
 * previous entry ended the line). Clients that join fragments — the Kubernetes orchestrator reads
 * a 3 MiB line back whole — would otherwise find stamps inside the line. So with `timestamps`, a
 * frame that continues an unfinished line of its stream loses its stamp (the text up to and
 * including the first space).
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

const HEADER_BYTES = 8;
const NEWLINE = 0x0a;
const SPACE = 0x20;

/** Reads frames from chunks of any size; pushes each payload, restamped as described above. */
export class LogFrameReader extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Per stream byte (1 stdout, 2 stderr): true while its last payload did not end a line. */
  private readonly midLine = new Map<number, boolean>();

  /** @param timestamps whether Docker was asked to stamp each entry. */
  constructor(private readonly timestamps: boolean) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let offset = 0;
    while (offset + HEADER_BYTES <= this.pending.length) {
      const size = this.pending.readUInt32BE(offset + 4);
      if (offset + HEADER_BYTES + size > this.pending.length) break;
      const stream = this.pending[offset] ?? 1;
      const payload = this.pending.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + size);
      this.pushPayload(stream, payload);
      offset += HEADER_BYTES + size;
    }
    this.pending = this.pending.subarray(offset);
    callback();
  }

  private pushPayload(stream: number, payload: Buffer): void {
    if (payload.length === 0) return;
    let text = payload;
    if (this.timestamps && this.midLine.get(stream) === true) {
      const space = payload.indexOf(SPACE);
      if (space >= 0) text = payload.subarray(space + 1);
    }
    this.midLine.set(stream, payload[payload.length - 1] !== NEWLINE);
    if (text.length > 0) this.push(text);
  }
}

/** {@link LogFrameReader} over a whole (not followed) log answered at once. */
export function readLogFrames(buffer: Buffer, timestamps: boolean): Buffer {
  const parts: Buffer[] = [];
  const reader = new LogFrameReader(timestamps);
  reader.on('data', (part: Buffer) => parts.push(part));
  reader.write(buffer);
  return Buffer.concat(parts);
}
