import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_DIR_PID_FILE, lockDataDir } from './data-dir-lock.js';
import { SERVER_ALREADY_RUNNING } from './server-lock.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'co-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lockDataDir', () => {
  it('refuses a second holder at once, naming the directory and the pid; free again after release', async () => {
    const first = lockDataDir(dir);
    expect(readFileSync(join(dir, DATA_DIR_PID_FILE), 'utf8')).toMatch(
      new RegExp(`^${process.pid} `),
    );
    let refused: { code?: string; message?: string } | undefined;
    try {
      lockDataDir(dir);
    } catch (error) {
      refused = error as { code?: string; message?: string };
    }
    expect(refused?.code).toBe(SERVER_ALREADY_RUNNING);
    expect(refused?.message).toContain(`data directory ${dir}`);
    expect(refused?.message).toContain(`pid ${process.pid}`);
    await first.release();
    await first.release(); // idempotent
    expect(existsSync(join(dir, DATA_DIR_PID_FILE))).toBe(false);
    const again = lockDataDir(dir);
    await again.release();
  });
});
