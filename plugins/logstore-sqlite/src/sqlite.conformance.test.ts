import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLogStoreConformance } from '@containerops/sdk/testing';
import { createSqliteLogStore } from './sqlite-log-store.js';

describeLogStoreConformance('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'co-logstore-'));
  const path = join(dir, 'logs.db');
  return {
    // A short poll so that nothing in the suite depends on waiting for the fallback timer.
    store: createSqliteLogStore({ path, pollIntervalMs: 50 }),
    reopen: () => createSqliteLogStore({ path, pollIntervalMs: 50 }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
