import { describe, expect, it } from 'vitest';
import { checkPluginCompatibility } from '@containerops/sdk';
import defaultPlugin, { tidbLogStoreConfig, tidbLogStorePlugin } from './index.js';

describe('tidb log store plugin', () => {
  it('is the default export and passes the host checks', () => {
    expect(defaultPlugin).toBe(tidbLogStorePlugin);
    expect(() => checkPluginCompatibility(tidbLogStorePlugin)).not.toThrow();
    expect(tidbLogStorePlugin).toMatchObject({ kind: 'logStore', name: 'tidb' });
  });

  it('validates its config with messages that say what to fix', () => {
    const url = 'mysql://co:secret@127.0.0.1:4000/containerops';
    expect(tidbLogStoreConfig.parse({ url })).toEqual({ url });
    expect(
      tidbLogStoreConfig.parse({ url, table: 'logs', retentionDays: 30, pollIntervalMs: 100 }),
    ).toEqual({ url, table: 'logs', retentionDays: 30, pollIntervalMs: 100 });
    expect(() => tidbLogStoreConfig.parse(undefined)).toThrow(/url must be a mysql:\/\/ URL/);
    expect(() => tidbLogStoreConfig.parse('mysql://x/y')).toThrow(/expected an object/);
    expect(() => tidbLogStoreConfig.parse({ url: 'postgres://h/db' })).toThrow(/mysql:\/\//);
    expect(() => tidbLogStoreConfig.parse({ url: 'mysql://127.0.0.1:4000' })).toThrow(
      /naming the database/,
    );
    expect(() => tidbLogStoreConfig.parse({ url, tabel: 'x' })).toThrow(/unknown setting tabel/);
    expect(() => tidbLogStoreConfig.parse({ url, table: 'drop table;' })).toThrow(/letters/);
    expect(() => tidbLogStoreConfig.parse({ url, retentionDays: 0 })).toThrow(/positive integer/);
    expect(() => tidbLogStoreConfig.parse({ url, maxLineBytes: '6M' })).toThrow(
      /maxLineBytes must be a positive integer/,
    );
  });
});
