/**
 * Just enough of the ustar format for the `$CO_OUTPUT` file: write a tiny archive to seed the
 * container (PUT /archive) and read one file back (GET /archive). Not a general tar library.
 */

const BLOCK = 512;

export interface TarEntry {
  /** Relative path, at most 100 bytes; directories end with `/`. */
  readonly name: string;
  readonly mode: number;
  /** File contents; absent for directories. */
  readonly content?: Buffer;
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new RangeError(`tar field too long: ${value}`);
  bytes.copy(header, offset);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  writeString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function headerFor(entry: TarEntry, mtimeSeconds: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const isDir = entry.name.endsWith('/');
  writeString(header, 0, 100, entry.name);
  writeOctal(header, 100, 8, entry.mode);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, entry.content?.length ?? 0);
  writeOctal(header, 136, 12, mtimeSeconds);
  header.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(header, 156, 1, isDir ? '5' : '0');
  writeString(header, 257, 6, 'ustar\0');
  writeString(header, 263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return header;
}

/** Builds an uncompressed ustar archive of the entries (owner root, given modes). */
export function createTar(entries: readonly TarEntry[], mtimeMs: number = Date.now()): Buffer {
  const mtime = Math.floor(mtimeMs / 1000);
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    blocks.push(headerFor(entry, mtime));
    const content = entry.content;
    if (content !== undefined && content.length > 0) {
      blocks.push(content);
      const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
      if (pad > 0) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(blocks);
}

function readOctal(header: Buffer, offset: number, length: number): number {
  const first = header[offset] ?? 0;
  if ((first & 0x80) !== 0) {
    // GNU base-256 for sizes of 8 GiB and more: far beyond any output file we would read.
    throw new RangeError('tar entry too large');
  }
  const text = header
    .toString('latin1', offset, offset + length)
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/**
 * Returns the contents of the first regular file in a tar archive, or `undefined` when it has
 * none; PAX and GNU long-name headers are skipped. A file bigger than `maxBytes` is cut to its
 * first `maxBytes` bytes (so a caller may read only the beginning of a huge archive).
 * @throws RangeError when the archive ends before the bytes it promises (up to `maxBytes`).
 */
export function readFirstFile(archive: Buffer, maxBytes: number): Buffer | undefined {
  let offset = 0;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return undefined;
    const size = readOctal(header, 124, 12);
    const type = String.fromCharCode(header[156] ?? 0);
    const start = offset + BLOCK;
    if (type === '0' || type === '\0') {
      const wanted = Math.min(size, maxBytes);
      if (start + wanted > archive.length) throw new RangeError('tar archive is truncated');
      return archive.subarray(start, start + wanted);
    }
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}
