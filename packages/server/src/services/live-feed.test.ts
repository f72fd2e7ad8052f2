import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEngineEvent } from '@containerops/core';
import type { LogStore } from '@containerops/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/data-source.js';
import { Database } from '../db/database.js';
import { TypeOrmRunStore } from '../stores/typeorm-run-store.js';
import type { Principal, RunService } from './contracts.js';
import { EventBus } from './event-bus.js';
import { MAX_MULTI_RUN_REPLAY, ServerLiveFeed } from './live-feed.js';
import { RunScopes } from './run-scopes.js';

const admin: Principal = {
  userId: 'u',
  userName: 'admin',
  siteAdmin: true,
  roles: new Map(),
  tokenId: 't',
};

let dir: string;
let db: Database;
let store: TypeOrmRunStore;
let feed: ServerLiveFeed;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'co-live-feed-'));
  db = new Database(await openDatabase({ type: 'sqlite', path: join(dir, 'state.db') }));
  store = new TypeOrmRunStore(db);
  feed = new ServerLiveFeed({
    store,
    currentSeq: () => store.currentSeq(),
    bus: new EventBus(),
    // Event feeds never read logs or runs.
    logs: {} as LogStore,
    runs: {} as RunService,
    scopes: new RunScopes(db, () => store.flushed()),
  });
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ServerLiveFeed.events over many runs', () => {
  it(`refuses to replay more than ${MAX_MULTI_RUN_REPLAY} events back (BAD_USER_INPUT)`, async () => {
    const events: NewEngineEvent[] = Array.from({ length: MAX_MULTI_RUN_REPLAY + 10 }, () => ({
      runId: 'r1',
      time: 0,
      scope: 'run',
      path: '',
      status: 'running',
    }));
    await store.appendEvents(events);
    const controller = new AbortController();
    const tooFar = feed.events(admin, { afterSeq: 0 }, controller.signal)[Symbol.asyncIterator]();
    await expect(tooFar.next()).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    // Within the bound the replay goes on as before (the run has no row: nothing is visible,
    // so the feed waits for live events; ending it is enough to show it was accepted).
    const near = feed.events(admin, { afterSeq: 20 }, controller.signal)[Symbol.asyncIterator]();
    const pending = near.next();
    controller.abort();
    await expect(pending).resolves.toMatchObject({ done: true });
  });
});
