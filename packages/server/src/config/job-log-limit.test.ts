import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_CONFIG } from './config-error.js';
import { loadServerConfig, resolveServerConfig } from './resolve-config.js';
import { DEFAULT_JOB_LOG_LIMIT_BYTES } from './server-config.js';

let cwd: string;
beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'co-config-'))));
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

describe('jobLogLimit', () => {
  it('defaults to 64 MiB per job attempt', async () => {
    expect(DEFAULT_JOB_LOG_LIMIT_BYTES).toBe(64 * 1024 * 1024);
    expect((await loadServerConfig({ env: {}, cwd })).jobLogLimitBytes).toBe(
      DEFAULT_JOB_LOG_LIMIT_BYTES,
    );
  });

  it('takes sizes from the file and the environment; 0 is no limit', async () => {
    writeFileSync(join(cwd, 'containerops.yaml'), 'jobLogLimit: 1Gi\n');
    expect((await loadServerConfig({ env: {}, cwd })).jobLogLimitBytes).toBe(2 ** 30);
    const env = { CONTAINEROPS_JOB_LOG_LIMIT: '0' };
    expect((await loadServerConfig({ env, cwd })).jobLogLimitBytes).toBe(0);
    expect(resolveServerConfig({ jobLogLimitBytes: 1000, dataDir: cwd }).jobLogLimitBytes).toBe(
      1000,
    );
  });

  it('refuses what is not a size, naming where it came from', async () => {
    const env = { CONTAINEROPS_JOB_LOG_LIMIT: 'lots' };
    const error = (await loadServerConfig({ env, cwd }).catch((e: unknown) => e)) as {
      code?: string;
      message?: string;
    };
    expect(error.code).toBe(INVALID_CONFIG);
    expect(error.message).toContain('CONTAINEROPS_JOB_LOG_LIMIT');
    expect(error.message).toContain('0 means no limit');
  });
});
