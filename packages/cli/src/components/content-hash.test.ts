import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseImagesOf, hashComponentDir } from './content-hash.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'co-hash-'));
  await writeFile(join(dir, 'Dockerfile'), 'FROM containerops/busybox:latest\n');
  await writeFile(join(dir, 'run.sh'), 'echo hi\n');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hashComponentDir', () => {
  it('is stable, and changes with content, names, the executable bit and extras', async () => {
    const first = await hashComponentDir(dir);
    expect(await hashComponentDir(dir)).toBe(first);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await hashComponentDir(dir, ['base=sha256:1'])).not.toBe(first);
    await chmod(join(dir, 'run.sh'), 0o755);
    const executable = await hashComponentDir(dir);
    expect(executable).not.toBe(first);
    await writeFile(join(dir, 'run.sh'), 'echo bye\n');
    expect(await hashComponentDir(dir)).not.toBe(executable);
  });

  it('ignores the test directory', async () => {
    const before = await hashComponentDir(dir);
    await mkdir(join(dir, 'test'));
    await writeFile(join(dir, 'test', 'x.test.ts'), 'it()');
    expect(await hashComponentDir(dir)).toBe(before);
  });
});

describe('baseImagesOf', () => {
  it('lists FROM images, not earlier stages or scratch', () => {
    const dockerfile = [
      'ARG X=1',
      'FROM containerops/debian:bookworm AS build',
      'RUN make',
      'from --platform=linux/amd64 containerops/busybox:latest',
      'FROM build',
      'FROM scratch',
    ].join('\n');
    expect(baseImagesOf(dockerfile)).toEqual([
      'containerops/debian:bookworm',
      'containerops/busybox:latest',
    ]);
  });
});
