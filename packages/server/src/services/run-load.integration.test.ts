/**
 * Queue depth and running runs per hour on each database (SQLite, PostgreSQL, MariaDB/MySQL,
 * TiDB): the same window-function sweep everywhere, levels carried across hours, a hand-over at one
 * instant not counted twice, only viewable organisations counted, ended hours kept and the
 * current one swept again, input bounds enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunEntity } from '../db/entities.js';
import type { RunRow } from '../db/entities.js';
import {
  dialectAvailable,
  openTestDatabase,
  STATE_TEST_DIALECTS,
} from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import type { Principal } from './contracts.js';
import { RunInsightsService } from './run-insights.service.js';

const HOUR = 3_600_000;
const MIN = 60_000;
/** "Now": 10:30; the 24-hour window's last bucket starts at 10:00 (index 23). */
const NOW = Date.UTC(2026, 5, 1, 10, 30);
const at = (hour: number, minute = 0): number => Date.UTC(2026, 5, 1, hour, minute);
/** Index of a clock hour of that day in the 24-hour window. */
const idx = (hour: number): number => 23 - (10 - hour);

const principal = (siteAdmin: boolean, orgs: string[]): Principal => ({
  userId: 'u',
  userName: 'u',
  siteAdmin,
  roles: new Map(orgs.map((o) => [o, 'viewer'] as const)),
  tokenId: 't',
});
const admin = principal(true, []);
const acmeViewer = principal(false, ['acme']);
const nobody = principal(false, []);

let next = 0;
function run(
  organization: string,
  createdAt: number,
  startedAt: number | null,
  finishedAt: number | null,
): RunRow {
  const status = finishedAt === null ? (startedAt === null ? 'queued' : 'running') : 'succeeded';
  return {
    id: `load${next++}`,
    workflowUri: `${organization}/repo/ci`,
    organization,
    status,
    triggerType: 'api',
    triggeredBy: null,
    createdAt,
    startedAt,
    finishedAt,
    snapshot: null,
    request: null,
  };
}

const SEED: RunRow[] = [
  // H: started 30 hours ago and still running — every hour of the window opens with it.
  run('acme', NOW - 30 * HOUR - 30 * MIN, NOW - 30 * HOUR - 20 * MIN, null),
  // G: queued and ran 30 hours ago (inside 7 days only).
  run('acme', NOW - 30 * HOUR - 25 * MIN, NOW - 30 * HOUR - 24 * MIN, NOW - 29 * HOUR),
  // 07:00: A and B queued together, A, B and H running; K starts as B ends (07:40).
  run('acme', at(7, 10), at(7, 20), at(8, 30)),
  run('acme', at(7, 15), at(7, 25), at(7, 40)),
  run('acme', at(7, 30), at(7, 40), at(7, 50)),
  // 08:00: E cancelled while queued.
  run('acme', at(8, 10), null, at(8, 20)),
  // 09:00: C queued and never started, D queued, starts at 10:05 and runs on.
  run('acme', at(9, 50), null, null),
  run('acme', at(9, 55), at(10, 5), null),
  // 10:00 in another organisation: F queued at 10:01, runs 10:02–10:10 (with D and H).
  run('other', at(10, 1), at(10, 2), at(10, 10)),
  // Ended long before the window: never read.
  run('acme', NOW - 100 * HOUR, NOW - 100 * HOUR, NOW - 99 * HOUR),
];

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`run load on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let insights: RunInsightsService;
    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      insights = new RunInsightsService(test.db, () => NOW);
      await test.db.manager.insert(RunEntity, SEED);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)('finds the most queued and running runs of each hour', async () => {
      const buckets = await insights.load(acmeViewer, 24);
      expect(buckets).toHaveLength(24);
      expect(buckets[0]).toEqual({ start: at(10) - 23 * HOUR, maxQueued: 0, maxRunning: 1 });
      // K starting as B ends is a hand-over: three running at most, not four.
      expect(buckets[idx(7)]).toEqual({ start: at(7), maxQueued: 2, maxRunning: 3 });
      expect(buckets[idx(8)]).toEqual({ start: at(8), maxQueued: 1, maxRunning: 2 });
      expect(buckets[idx(9)]).toEqual({ start: at(9), maxQueued: 2, maxRunning: 1 });
      // C and D were queued when 10:00 began, with no point in the hour before D started.
      expect(buckets[idx(10)]).toEqual({ start: at(10), maxQueued: 2, maxRunning: 2 });
    });

    it.skipIf(!available)('counts only what the caller may view', async () => {
      expect((await insights.load(admin, 24))[idx(10)]).toEqual({
        start: at(10),
        maxQueued: 3,
        maxRunning: 3,
      });
      expect((await insights.load(admin, 24, 'other'))[idx(10)]).toEqual({
        start: at(10),
        maxQueued: 1,
        maxRunning: 1,
      });
      const denied = await insights.load(acmeViewer, 24, 'other');
      expect(denied).toHaveLength(24);
      expect(denied.every((b) => b.maxQueued === 0 && b.maxRunning === 0)).toBe(true);
      expect((await insights.load(nobody, 24)).every((b) => b.maxRunning === 0)).toBe(true);
    });

    it.skipIf(!available)('covers 7 days, one bucket per hour', async () => {
      const week = await insights.load(acmeViewer, 168);
      expect(week).toHaveLength(168);
      // 30 hours before 10:00: H and G queued together, then both running.
      expect(week[167 - 30]).toEqual({
        start: at(10) - 30 * HOUR,
        maxQueued: 2,
        maxRunning: 2,
      });
      expect(week[167 - 31]).toEqual({ start: at(10) - 31 * HOUR, maxQueued: 0, maxRunning: 0 });
    });

    it.skipIf(!available)(
      'keeps the hours that ended and sweeps the current one again',
      async () => {
        const reader = new RunInsightsService(test.db, () => NOW);
        expect((await reader.load(admin, 24, 'late'))[idx(10)]?.maxRunning).toBe(0);
        await test.db.manager.insert(RunEntity, [
          run('late', at(10, 10), at(10, 11), null),
          // Back-dated into an hour that had ended: kept hours are not read again.
          run('late', at(8), at(8, 1), at(8, 2)),
        ]);
        const again = await reader.load(admin, 24, 'late');
        expect(again[idx(10)]).toEqual({ start: at(10), maxQueued: 1, maxRunning: 1 });
        expect(again[idx(8)]).toEqual({ start: at(8), maxQueued: 0, maxRunning: 0 });
        const fresh = await new RunInsightsService(test.db, () => NOW).load(admin, 24, 'late');
        expect(fresh[idx(8)]).toEqual({ start: at(8), maxQueued: 1, maxRunning: 1 });
      },
    );

    it.skipIf(!available)('refuses unbounded ranges with BAD_USER_INPUT', async () => {
      await expect(insights.load(admin, 169)).rejects.toThrow('hours must be from 1 to 168');
      await expect(insights.load(admin, 0)).rejects.toThrow('hours must be from 1 to 168');
    });
  });
}
