/**
 * The run store's write-behind on a real full disk (a small tmpfs): a run's request (saved once,
 * needed to resume the run after a restart) is kept and retried until it is stored, readers do
 * not hang meanwhile, and once space is freed it is written without anyone asking again.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRequest, WorkflowDefinition } from '@containerops/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import { fillDisk, mountSmallTmpfs } from '../testing/small-tmpfs.js';
import type { SmallTmpfs } from '../testing/small-tmpfs.js';
import { TypeOrmRunStore } from './typeorm-run-store.js';

const fs: SmallTmpfs | undefined = mountSmallTmpfs('6m');
afterAll(() => fs?.unmount());

/** A request big enough (~300 KB) to need new pages whatever SQLite has spare. */
function request(runId: string): RunRequest {
  const workflow = {
    uri: 'acme/repo/ci',
    stages: [],
    labels: { padding: 'p'.repeat(300_000) },
  } as unknown as WorkflowDefinition;
  return { runId, workflow } as unknown as RunRequest;
}

describe.skipIf(fs === undefined)('TypeOrmRunStore on a full disk (SQLite, real tmpfs)', () => {
  it('keeps a queued save until it can be stored; flushed() does not hang meanwhile', async () => {
    const dir = (fs as SmallTmpfs).dir;
    const path = join(dir, 'state.db');
    let db = new Database(await openDatabase({ type: 'sqlite', path }));
    const store = new TypeOrmRunStore(db);
    const filler = join(dir, 'filler');
    fillDisk(filler);

    let saved = false;
    const saving = store.saveRunRequest(request('r1')).then(() => (saved = true));
    await store.flushed(); // the first write failed: readers go on
    expect(saved).toBe(false);
    expect(store.unsavedRuns).toBe(1);
    expect(db.storage.writable).toBe(false);
    // Still served from the queue (read-your-writes).
    expect((await store.getRunRequest('r1'))?.runId).toBe('r1');

    rmSync(filler);
    await saving; // retried by the store itself
    expect(store.unsavedRuns).toBe(0);
    expect(db.storage.writable).toBe(true);

    await db.close();
    db = new Database(await openDatabase({ type: 'sqlite', path }));
    try {
      const reopened = new TypeOrmRunStore(db);
      expect((await reopened.getRunRequest('r1'))?.runId).toBe('r1');
    } finally {
      await db.close();
    }
  }, 30_000);
});
