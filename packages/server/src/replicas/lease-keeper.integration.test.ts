/**
 * The lease keeper's two decisions on a real PostgreSQL database: it calls `onLost` only for a
 * run it drives that another replica now holds (not for one whose claim went because the run
 * ended while its end was still being settled here), and its takeover resumes exactly the runs
 * it won through the engine host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEntity } from '../db/entities.js';
import { silentServerLogger } from '../logger.js';
import { insertRunRow } from '../testing/run-rows.js';
import { dialectAvailable, openTestDatabase } from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import { LeaseKeeper } from './lease-keeper.js';
import { RunLeases } from './run-leases.js';

const TTL = 10_000;

describe('lease keeper on postgres', async () => {
  const available = await dialectAvailable('postgres');
  let test: TestDatabase;
  beforeAll(async () => {
    if (available) test = await openTestDatabase('postgres');
  }, 60_000);
  afterAll(async () => {
    if (available) await test.cleanup();
  });

  it.skipIf(!available)(
    'calls onLost only for runs another replica took, not for ended ones',
    async () => {
      const clock = { now: Date.now() };
      const leases = new RunLeases(test.db, 'keeper-a', TTL, () => clock.now);
      const driven = new Set(['ended-settling', 'stolen']);
      const lost: string[][] = [];
      const keeper = new LeaseKeeper({
        leases,
        host: { drives: (id) => driven.has(id), recoverRuns: () => Promise.resolve([]) },
        log: silentServerLogger,
        onLost: (ids) => lost.push([...ids]),
      });
      await insertRunRow(test.db, 'ended-settling', 'running');
      await insertRunRow(test.db, 'stolen', 'running');
      keeper.runStarted('ended-settling', 'default');
      keeper.runStarted('stolen', 'default');
      await keeper.heartbeat(); // both claimed now
      expect(lost).toEqual([]);

      // The first run ends in the database while its end is still settled here: pruned.
      await test.db.manager.update(RunEntity, { id: 'ended-settling' }, { status: 'succeeded' });
      expect(await leases.pruneEnded()).toBe(1);
      // The second one is taken by replica b after a's claims expired (a was paused).
      clock.now += TTL + 1;
      const b = new RunLeases(test.db, 'keeper-b', TTL, () => clock.now);
      expect((await b.takeOver()).map((run) => run.runId)).toEqual(['stolen']);

      await keeper.heartbeat();
      expect(lost).toEqual([['stolen']]);
      await keeper.stop(false);
    },
  );

  it.skipIf(!available)('resumes the runs its takeover won, through the engine host', async () => {
    const clock = { now: Date.now() };
    const dead = new RunLeases(test.db, 'keeper-dead', TTL, () => clock.now);
    await insertRunRow(test.db, 'orphaned', 'running');
    await dead.claimNew('orphaned', 'default');
    clock.now += TTL + 1;
    const resumed: string[] = [];
    const keeper = new LeaseKeeper({
      leases: new RunLeases(test.db, 'keeper-c', TTL, () => clock.now),
      host: {
        drives: () => false,
        recoverRuns: (runs) => {
          resumed.push(...runs.map((run) => run.runId));
          return Promise.resolve([]);
        },
      },
      log: silentServerLogger,
      onLost: () => undefined,
    });
    await keeper.takeOver();
    expect(resumed).toEqual(['orphaned']);
    await keeper.stop(true);
  });
});
