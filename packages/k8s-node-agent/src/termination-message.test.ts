import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Container } from './kube-types.js';
import {
  cutLogTail,
  fallbackBytes,
  fallsBackToLogs,
  maxMessageBytes,
  prepareTerminationFile,
  readTerminationFile,
} from './termination-message.js';

describe('termination messages', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('prepares an empty file anyone may write, and reads at most 4096 bytes back', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'k8s-co-term-'));
    const file = path.join(dir, 'termination', 'main_0');
    await prepareTerminationFile(file);
    expect((await stat(file)).mode & 0o777).toBe(0o666);
    expect(await readTerminationFile(file)).toBe('');
    await writeFile(file, 'x'.repeat(maxMessageBytes + 10));
    expect(await readTerminationFile(file)).toHaveLength(maxMessageBytes);
    expect(await readTerminationFile(path.join(dir, 'missing'))).toBe('');
  });

  it('falls back to the log only for FallbackToLogsOnError, an empty file and a failure', () => {
    const container: Container = {
      name: 'c',
      image: 'i',
      terminationMessagePolicy: 'FallbackToLogsOnError',
    };
    expect(fallsBackToLogs(container, '', 1)).toBe(true);
    expect(fallsBackToLogs(container, '', 0)).toBe(false);
    expect(fallsBackToLogs(container, 'written', 1)).toBe(false);
    expect(fallsBackToLogs({ ...container, terminationMessagePolicy: 'File' }, '', 1)).toBe(false);
  });

  it('keeps the last 2048 bytes of a long log', () => {
    const log = `${'a'.repeat(100)}${'b'.repeat(fallbackBytes)}`;
    expect(cutLogTail(log)).toBe('b'.repeat(fallbackBytes));
    expect(cutLogTail('short\n')).toBe('short\n');
  });
});
