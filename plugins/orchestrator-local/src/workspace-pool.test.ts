import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkspacePool } from './workspace-pool.js';

let root: string;
let poolDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'co-pool-test-'));
  poolDir = join(root, 'pool');
  await mkdir(join(root, 'runs'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const runDir = (id: string): string => join(root, 'runs', id);

describe('WorkspacePool', () => {
  it('hands out a run directory with an empty workspace and takes it back when untouched', async () => {
    const pool = new WorkspacePool(poolDir);
    expect(await pool.take(runDir('a'))).toBe(true);
    expect(await readdir(join(runDir('a'), 'workspace'))).toEqual([]);
    expect(await pool.give(runDir('a'))).toBe(true);
    await expect(stat(runDir('a'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(pool.size).toBe(1);
    // The next run gets the same entry back: nothing is created.
    expect(await pool.take(runDir('b'))).toBe(true);
    expect(pool.size).toBe(0);
    expect(await readdir(poolDir)).toEqual([]);
  });

  it('refuses back a directory holding anything but an empty workspace', async () => {
    const pool = new WorkspacePool(poolDir);
    await pool.take(runDir('a'));
    await writeFile(join(runDir('a'), 'workspace', 'build.log'), 'x');
    expect(await pool.give(runDir('a'))).toBe(false);
    await pool.take(runDir('b'));
    await writeFile(join(runDir('b'), 'output-j1'), 'A=1');
    expect(await pool.give(runDir('b'))).toBe(false);
    expect(pool.size).toBe(0);
    expect(await readdir(join(runDir('a'), 'workspace'))).toEqual(['build.log']);
  });

  it('never hands out an entry something wrote into after it came back', async () => {
    const pool = new WorkspacePool(poolDir);
    await pool.take(runDir('a'));
    await pool.give(runDir('a'));
    const [name] = await readdir(poolDir);
    await writeFile(join(poolDir, name as string, 'workspace', 'stray'), 'x');
    expect(await pool.take(runDir('b'))).toBe(true);
    expect(await readdir(join(runDir('b'), 'workspace'))).toEqual([]);
    expect(await readdir(poolDir)).toEqual([]); // the dirty entry was removed
  });

  it('does not move an entry onto a run directory that exists (re-run on a kept workspace)', async () => {
    const pool = new WorkspacePool(poolDir);
    await mkdir(join(runDir('kept'), 'workspace'), { recursive: true });
    await writeFile(join(runDir('kept'), 'workspace', 'artifact'), 'x');
    expect(await pool.take(runDir('kept'))).toBe(false);
    expect(await readdir(join(runDir('kept'), 'workspace'))).toEqual(['artifact']);
    expect(pool.size).toBe(1); // the entry it tried stays available
  });

  it('adopts the entries an earlier process left', async () => {
    const first = new WorkspacePool(poolDir);
    await first.take(runDir('a'));
    await first.give(runDir('a'));
    const second = new WorkspacePool(poolDir);
    expect(await second.take(runDir('b'))).toBe(true);
    expect(await readdir(poolDir)).toEqual([]);
  });
});
