import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputSeedArchive } from './output-file.js';
import { createTar, readFirstFile } from './tar.js';

describe('createTar / readFirstFile', () => {
  it('round-trips a file (content padded to 512-byte blocks)', () => {
    const content = Buffer.from('VERSION=1.2.3\n'.repeat(100));
    const archive = createTar([
      { name: 'dir/', mode: 0o755 },
      { name: 'dir/file', mode: 0o644, content },
    ]);
    expect(archive.length % 512).toBe(0);
    expect(readFirstFile(archive, 1 << 20)?.toString()).toBe(content.toString());
  });

  it('cuts a file to maxBytes and returns undefined for an archive without files', () => {
    const archive = createTar([{ name: 'f', mode: 0o644, content: Buffer.from('abcdef') }]);
    expect(readFirstFile(archive, 3)?.toString()).toBe('abc');
    expect(readFirstFile(createTar([{ name: 'd/', mode: 0o755 }]), 10)).toBeUndefined();
  });

  it('skips a PAX header before the file', () => {
    const pax = Buffer.from('30 path=a/very/long/name/of/the/file\n');
    const archive = Buffer.concat([
      createTar([{ name: 'PaxHeader', mode: 0o644, content: pax }]).subarray(0, 1024),
      createTar([{ name: 'file', mode: 0o644, content: Buffer.from('payload') }]),
    ]);
    archive[156] = 'x'.charCodeAt(0); // typeflag: PAX extended header (checksum not re-checked here)
    expect(readFirstFile(archive, 100)?.toString()).toBe('payload');
  });

  it('throws on a truncated archive', () => {
    const archive = createTar([{ name: 'f', mode: 0o644, content: Buffer.alloc(2000, 1) }]);
    expect(() => readFirstFile(archive.subarray(0, 1000), 1 << 20)).toThrow(RangeError);
  });

  it('is read by GNU tar: the seed archive gives /co (0777) and an empty co/output (0666)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'co-tar-'));
    try {
      writeFileSync(join(dir, 'seed.tar'), outputSeedArchive());
      execFileSync('tar', ['-xf', 'seed.tar', '--no-same-owner', '-p'], { cwd: dir });
      expect(statSync(join(dir, 'co')).mode & 0o777).toBe(0o777);
      expect(statSync(join(dir, 'co/output')).mode & 0o777).toBe(0o666);
      expect(readFileSync(join(dir, 'co/output'), 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
