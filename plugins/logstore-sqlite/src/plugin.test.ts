import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPluginCompatibility, createPluginInstance, silentLogger } from '@containerops/sdk';
import defaultPlugin, { sqliteLogStoreConfig, sqliteLogStorePlugin } from './index.js';

describe('sqlite log store plugin', () => {
  it('is the default export and passes the host checks', () => {
    expect(defaultPlugin).toBe(sqliteLogStorePlugin);
    expect(() => checkPluginCompatibility(sqliteLogStorePlugin)).not.toThrow();
    expect(sqliteLogStorePlugin).toMatchObject({ kind: 'logStore', name: 'sqlite' });
  });

  it('validates its config with messages that say what to fix', () => {
    expect(sqliteLogStoreConfig.parse(undefined)).toEqual({ path: 'logs.db' });
    expect(
      sqliteLogStoreConfig.parse({ path: '/data/l.db', synchronous: 'full', busyTimeoutMs: 100 }),
    ).toEqual({ path: '/data/l.db', synchronous: 'full', busyTimeoutMs: 100 });
    expect(() => sqliteLogStoreConfig.parse('logs.db')).toThrow(/expected an object/);
    expect(() => sqliteLogStoreConfig.parse({ file: 'x' })).toThrow(/unknown setting file/);
    expect(() => sqliteLogStoreConfig.parse({ path: '' })).toThrow(/path must be/);
    expect(() => sqliteLogStoreConfig.parse({ synchronous: 'off' })).toThrow(/normal" or "full/);
    expect(() => sqliteLogStoreConfig.parse({ pollIntervalMs: 0 })).toThrow(/positive integer/);
  });

  it('opens a relative path in the host data directory, and refuses one without it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'co-logstore-plugin-'));
    try {
      const store = await createPluginInstance(sqliteLogStorePlugin, undefined, {
        kind: 'logStore',
        context: { logger: silentLogger, dataDir },
      });
      await store.append([
        { runId: 'r', jobPath: 's.a.j', attempt: 1, seq: 1, stream: 'stdout', text: 'hi', time: 1 },
      ]);
      await store.close();
      expect((await stat(join(dataDir, 'logs.db'))).isFile()).toBe(true);
      await expect(
        createPluginInstance(sqliteLogStorePlugin, { path: 'l.db' }, { kind: 'logStore' }),
      ).rejects.toThrow(/absolute path/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
