/** Builders of synthetic Docker log streams for the unit tests of this folder. */

const STREAM_TYPE = { stdin: 0, stdout: 1, stderr: 2, system: 3 } as const;

/** One multiplexed frame: 8-byte header + payload. */
export function frame(stream: keyof typeof STREAM_TYPE, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(8);
  header[0] = STREAM_TYPE[stream];
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Docker's fixed-width RFC3339Nano stamp of `ms` (plus `extraNanos` below the millisecond). */
export function stamp(ms: number, extraNanos = 0): string {
  const iso = new Date(ms).toISOString(); // 2024-05-01T10:20:30.123Z
  const nanos = String((ms % 1000) * 1_000_000 + extraNanos).padStart(9, '0');
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

/** A timestamped log message frame, as the logs endpoint writes one per message. */
export function message(stream: 'stdout' | 'stderr', ms: number, text: string): Buffer {
  return frame(stream, `${stamp(ms, 123_456)} ${text}`);
}

/** Cuts `data` into chunks of `size` bytes (the last may be shorter). */
export function chunks(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
