/**
 * Run claims between replicas on every database replicas can share (issue 13): a fresh claim is
 * left alone, an expired one is taken over by exactly one replica however many race for it, an
 * unclaimed run is taken only once it is older than a TTL, the loser learns it on its next
 * renewal, and claims of ended runs go. Replicas are two `RunLeases` with their own clocks on one
 * database; the races are real (concurrent statements on separate connections of the pool).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRunRow } from '../testing/run-rows.js';
import { dialectAvailable, openTestDatabase } from '../testing/test-databases.js';
import type { TestDatabase, TestDialect } from '../testing/test-databases.js';
import { RunLeaseEntity } from './run-lease.entity.js';
import { RunLeases } from './run-leases.js';

const SHARED_DIALECTS: readonly TestDialect[] = ['postgres', 'mysql', 'tidb'];
const TTL = 10_000;
const T0 = Date.UTC(2026, 11, 7, 12);

/** A replica whose clock the test moves. */
function replica(test: TestDatabase, owner: string, clock: { now: number }): RunLeases {
  return new RunLeases(test.db, owner, TTL, () => clock.now);
}

for (const dialect of SHARED_DIALECTS) {
  describe(`run leases between replicas on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;

    beforeAll(async () => {
      if (available) test = await openTestDatabase(dialect);
    }, 120_000);
    afterAll(async () => {
      if (available) await test.cleanup();
    });

    it.skipIf(!available)(
      'a fresh claim holds; an expired one goes to the replica that asks',
      async () => {
        const clock = { now: T0 };
        const a = replica(test, 'replica-a', clock);
        const b = replica(test, 'replica-b', clock);
        await insertRunRow(test.db, 'fresh-1', 'running', T0);
        await a.claimNew('fresh-1', 'default');
        expect(await b.takeOver()).toEqual([]);
        await a.renew();
        expect(await a.takenFrom(['fresh-1'])).toEqual([]);

        clock.now = T0 + TTL - 1; // renewed at T0: still held
        expect(await b.takeOver()).toEqual([]);
        clock.now = T0 + TTL + 1; // a missed its heartbeats for a whole TTL
        expect(await b.takeOver()).toEqual([{ runId: 'fresh-1', organization: 'default' }]);
        // a learns it at its next heartbeat; b holds it.
        await a.renew();
        expect(await a.takenFrom(['fresh-1'])).toEqual(['fresh-1']);
        expect(await b.takenFrom(['fresh-1'])).toEqual([]);
        await b.release('fresh-1');
        expect(await test.db.manager.countBy(RunLeaseEntity, { runId: 'fresh-1' })).toBe(0);
        // A run whose claim went because it ended is not "taken".
        expect(await a.takenFrom(['fresh-1'])).toEqual([]);
      },
    );

    it.skipIf(!available)(
      '20 expired claims raced for by three replicas: each won exactly once',
      async () => {
        const clock = { now: T0 };
        const dead = replica(test, 'replica-dead', clock);
        const ids = Array.from({ length: 20 }, (_, i) => `race-${i}`);
        for (const id of ids) {
          await insertRunRow(test.db, id, 'running', T0);
          await dead.claimNew(id, 'default');
        }
        clock.now = T0 + TTL + 1;
        const racers = ['x', 'y', 'z'].map((name) => replica(test, `replica-${name}`, clock));
        const results = await Promise.all(racers.map((r) => r.takeOver()));
        const won = results.flat().map((run) => run.runId);
        expect(won.filter((id) => id.startsWith('race-')).sort()).toEqual([...ids].sort());
        const owners = await test.db.manager.find(RunLeaseEntity, {});
        const raced = owners.filter((row) => row.runId.startsWith('race-'));
        expect(raced).toHaveLength(20);
        // Each row's owner is the one replica that reported winning it.
        for (const [i, racer] of racers.entries()) {
          const mine = new Set(results[i]!.map((run) => run.runId));
          for (const row of raced) if (mine.has(row.runId)) expect(row.owner).toBe(racer.owner);
        }
        for (const racer of racers) await racer.handOver();
      },
      60_000,
    );

    it.skipIf(!available)(
      'an unclaimed run is taken only once older than a TTL; ended runs lose their claims',
      async () => {
        const clock = { now: T0 };
        const b = replica(test, 'replica-b2', clock);
        await test.db.manager.clear(RunLeaseEntity);
        await insertRunRow(test.db, 'orphan-old', 'running', T0 - TTL - 5);
        await insertRunRow(test.db, 'orphan-young', 'running', T0 - 5);
        await insertRunRow(test.db, 'ended', 'succeeded', T0 - TTL * 2);
        const taken = (await b.takeOver()).map((run) => run.runId);
        expect(taken).toContain('orphan-old');
        expect(taken).not.toContain('orphan-young');
        expect(taken).not.toContain('ended');
        // A claim left on a run that ended (its replica died after the end, before releasing).
        await test.db.manager.insert(RunLeaseEntity, {
          runId: 'ended',
          organization: 'default',
          owner: 'replica-gone',
          expiresAt: T0 + TTL,
        });
        expect(await b.pruneEnded()).toBeGreaterThanOrEqual(1);
        expect(await test.db.manager.countBy(RunLeaseEntity, { runId: 'ended' })).toBe(0);
        // A graceful stop hands the claims over at once.
        await b.handOver();
        const c = replica(test, 'replica-c', clock);
        expect((await c.takeOver()).map((run) => run.runId)).toContain('orphan-old');
      },
      60_000,
    );
  });
}
