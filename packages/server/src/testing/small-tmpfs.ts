/**
 * TEST SUPPORT: a small tmpfs, so disk-full tests fill a real file system (`mount -t tmpfs`,
 * which needs root). Outside CI a machine that does not allow the mount skips the test and prints
 * why; in CI (`CI=true`) that is a failure.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallTmpfs {
  /** The mount point. */
  readonly dir: string;
  /** Unmounts (lazily if still busy) and removes the mount point. */
  unmount(): void;
}

/** Mounts a tmpfs of `size` (`20m`); undefined (after printing why) when not permitted outside CI. */
export function mountSmallTmpfs(size: string): SmallTmpfs | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'co-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = `cannot mount a ${size} tmpfs (needs root): ${(error as Error).message.split('\n')[0]}`;
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`skipping disk-full tests: ${why}`);
    return undefined;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes `path` until the file system is full, leaving about `leaveBytes` free (in 64 KiB steps);
 * returns the bytes written. Deleting the file gives the space back.
 */
export function fillDisk(path: string, leaveBytes = 0): number {
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (;;) {
      const fs = statfsSync(path);
      if (leaveBytes > 0 && fs.bavail * fs.bsize - chunk.length < leaveBytes) return written;
      try {
        written += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}
