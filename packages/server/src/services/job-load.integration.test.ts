/**
 * Running jobs and per-orchestrator load per hour on each database (SQLite, PostgreSQL,
 * MariaDB/MySQL, TiDB), from seeded `job_attempts` rows: the same window-function sweep
 * everywhere, levels carried across hours per orchestrator and in all, a hand-over at one instant
 * not counted twice, only viewable organisations counted, ended hours kept and the current one
 * swept again, input bounds enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobAttemptEntity } from '../db/job-attempt.entity.js';
import type { JobAttemptRow } from '../db/job-attempt.entity.js';
import {
  dialectAvailable,
  openTestDatabase,
  STATE_TEST_DIALECTS,
} from '../testing/test-databases.js';
import type { TestDatabase } from '../testing/test-databases.js';
import type { Principal } from './contracts.js';
import { RunInsightsService } from './run-insights.service.js';

const HOUR = 3_600_000;
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
function attempt(
  organization: string,
  orchestrator: string,
  startedAt: number,
  finishedAt: number | null,
): JobAttemptRow {
  return {
    runId: `run${next++}`,
    jobPath: 's.a.job',
    attempt: 1,
    organization,
    orchestrator,
    startedAt,
    finishedAt,
    status: finishedAt === null ? 'running' : 'succeeded',
  };
}

const SEED: JobAttemptRow[] = [
  // H: on docker since 30 hours ago and still running — every hour opens with it.
  attempt('acme', 'docker', NOW - 30 * HOUR, null),
  // G: 30 hours ago, ended (inside 7 days only).
  attempt('acme', 'docker', NOW - 30 * HOUR, NOW - 29 * HOUR),
  // 07:00 on docker: A (to 08:30), B, and K starting as B ends (a hand-over).
  attempt('acme', 'docker', at(7, 10), at(8, 30)),
  attempt('acme', 'docker', at(7, 15), at(7, 40)),
  attempt('acme', 'docker', at(7, 40), at(7, 50)),
  // … and X on kubernetes: four running at once at 07:20 (H, A, B, X).
  attempt('acme', 'kubernetes', at(7, 20), at(7, 45)),
  // 08:00 on kubernetes: Y, and Z (to 09:10).
  attempt('acme', 'kubernetes', at(8, 10), at(8, 20)),
  attempt('acme', 'kubernetes', at(8, 15), at(9, 10)),
  // 10:00: D starts on docker and runs on; in another organisation, O runs 10:02–10:10.
  attempt('acme', 'docker', at(10, 5), null),
  attempt('other', 'docker', at(10, 2), at(10, 10)),
  // Ended long before the window: never read.
  attempt('acme', 'docker', NOW - 100 * HOUR, NOW - 99 * HOUR),
];

const load = (orchestrator: string, started: number, maxRunning: number) => ({
  orchestrator,
  started,
  maxRunning,
});

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`job load on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let insights: RunInsightsService;
    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      insights = new RunInsightsService(test.db, () => NOW);
      await test.db.manager.insert(JobAttemptEntity, SEED);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)(
      'finds the most running job attempts of each hour, in all and per orchestrator',
      async () => {
        const buckets = await insights.jobLoad(acmeViewer, 24);
        expect(buckets).toHaveLength(24);
        expect(buckets[0]).toEqual({
          start: at(10) - 23 * HOUR,
          started: 0,
          maxRunning: 1,
          orchestrators: [load('docker', 0, 1)],
        });
        // K starting as B ends is a hand-over: three on docker at most, not four.
        expect(buckets[idx(7)]).toEqual({
          start: at(7),
          started: 4,
          maxRunning: 4,
          orchestrators: [load('docker', 3, 3), load('kubernetes', 1, 1)],
        });
        expect(buckets[idx(8)]).toEqual({
          start: at(8),
          started: 2,
          maxRunning: 4,
          orchestrators: [load('docker', 0, 2), load('kubernetes', 2, 2)],
        });
        // Both open the hour running, with no point of theirs before Z ends.
        expect(buckets[idx(9)]).toEqual({
          start: at(9),
          started: 0,
          maxRunning: 2,
          orchestrators: [load('docker', 0, 1), load('kubernetes', 0, 1)],
        });
        expect(buckets[idx(10)]).toEqual({
          start: at(10),
          started: 1,
          maxRunning: 2,
          orchestrators: [load('docker', 1, 2)],
        });
      },
    );

    it.skipIf(!available)('counts only what the caller may view', async () => {
      expect((await insights.jobLoad(admin, 24))[idx(10)]).toEqual({
        start: at(10),
        started: 2,
        maxRunning: 3,
        orchestrators: [load('docker', 2, 3)],
      });
      expect((await insights.jobLoad(admin, 24, 'other'))[idx(10)]).toEqual({
        start: at(10),
        started: 1,
        maxRunning: 1,
        orchestrators: [load('docker', 1, 1)],
      });
      const denied = await insights.jobLoad(acmeViewer, 24, 'other');
      expect(denied).toHaveLength(24);
      expect(denied.every((b) => b.maxRunning === 0 && b.orchestrators.length === 0)).toBe(true);
      expect((await insights.jobLoad(nobody, 24)).every((b) => b.maxRunning === 0)).toBe(true);
    });

    it.skipIf(!available)('covers 7 days, one bucket per hour', async () => {
      const week = await insights.jobLoad(acmeViewer, 168);
      expect(week).toHaveLength(168);
      // 30 hours before 10:30 (the hour of 04:00 the day before): H and G start together.
      expect(week[167 - 30]).toEqual({
        start: at(10) - 30 * HOUR,
        started: 2,
        maxRunning: 2,
        orchestrators: [load('docker', 2, 2)],
      });
      expect(week[167 - 31]?.maxRunning).toBe(0);
      expect(week[167 - 100]?.maxRunning).toBe(1);
    });

    it.skipIf(!available)(
      'keeps the hours that ended and sweeps the current one again',
      async () => {
        const reader = new RunInsightsService(test.db, () => NOW);
        expect((await reader.jobLoad(admin, 24, 'late'))[idx(10)]?.maxRunning).toBe(0);
        await test.db.manager.insert(JobAttemptEntity, [
          attempt('late', 'swarm', at(10, 11), null),
          // Back-dated into an hour that had ended: kept hours are not read again.
          attempt('late', 'swarm', at(8, 1), at(8, 2)),
        ]);
        const again = await reader.jobLoad(admin, 24, 'late');
        expect(again[idx(10)]?.orchestrators).toEqual([load('swarm', 1, 1)]);
        expect(again[idx(8)]?.maxRunning).toBe(0);
        const fresh = await new RunInsightsService(test.db, () => NOW).jobLoad(admin, 24, 'late');
        expect(fresh[idx(8)]?.orchestrators).toEqual([load('swarm', 1, 1)]);
      },
    );

    it.skipIf(!available)('refuses unbounded ranges with BAD_USER_INPUT', async () => {
      await expect(insights.jobLoad(admin, 169)).rejects.toThrow('hours must be from 1 to 168');
      await expect(insights.jobLoad(admin, 0)).rejects.toThrow('hours must be from 1 to 168');
    });
  });
}
