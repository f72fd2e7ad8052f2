/**
 * The dashboard's aggregates on each database (SQLite, PostgreSQL, MariaDB/MySQL, TiDB): runs per hour
 * grouped in SQL with the same integer arithmetic everywhere, only viewable organisations
 * counted, input bounds enforced; slowest jobs from a workflow's last finished runs.
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

const dialects = STATE_TEST_DIALECTS;
const HOUR = 3_600_000;
/** "Now": 10:30 on some day, so the current hour started at 10:00. */
const NOW = Date.UTC(2026, 5, 1, 10, 30);
const THIS_HOUR = Date.UTC(2026, 5, 1, 10);

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
  status: string,
  createdAt: number,
  jobs: [string, number][] = [],
  workflowUri = `${organization}/repo/ci`,
): RunRow {
  const id = `r${next++}`;
  return {
    id,
    workflowUri,
    organization,
    status,
    triggerType: 'api',
    triggeredBy: null,
    createdAt,
    startedAt: createdAt,
    finishedAt: createdAt + 1000,
    snapshot: JSON.stringify({
      runId: id,
      workflow: workflowUri,
      workflowVersion: 1,
      status,
      createdAt,
      lastSeq: 0,
      stages: [
        {
          name: 's',
          actions: [
            {
              path: 's.a',
              jobs: jobs.map(([path, ms]) => ({
                path,
                startedAt: createdAt,
                finishedAt: createdAt + ms,
              })),
            },
          ],
        },
      ],
    }),
    request: null,
  };
}

for (const dialect of dialects) {
  describe(`run insights on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let insights: RunInsightsService;
    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      insights = new RunInsightsService(test.db, () => NOW);
      await test.db.manager.insert(RunEntity, [
        // This hour: 2 succeeded, 1 failed, 1 running in acme; 1 timed out in other.
        run('acme', 'succeeded', THIS_HOUR + 1, [
          ['s.a.build', 4000],
          ['s.a.test', 1000],
        ]),
        run('acme', 'succeeded', THIS_HOUR + 20 * 60_000, [
          ['s.a.build', 6000],
          ['s.a.test', 500],
        ]),
        run('acme', 'failed', NOW - 1, [['s.a.build', 9000]]),
        run('acme', 'running', NOW - 2),
        run('other', 'timed_out', THIS_HOUR + 5),
        // Three hours ago (the very first millisecond of that hour) and 30 hours ago.
        run('acme', 'cancelled', THIS_HOUR - 3 * HOUR),
        run('acme', 'succeeded', THIS_HOUR - 30 * HOUR, [['s.a.build', 100_000]]),
      ]);
    });
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)('counts runs per hour, oldest first, empty hours included', async () => {
      const buckets = await insights.activity(admin, 24);
      expect(buckets).toHaveLength(24);
      expect(buckets[0]?.start).toBe(THIS_HOUR - 23 * HOUR);
      expect(buckets[23]).toEqual({ start: THIS_HOUR, created: 5, succeeded: 2, failed: 2 });
      expect(buckets[20]).toEqual({
        start: THIS_HOUR - 3 * HOUR,
        created: 1,
        succeeded: 0,
        failed: 0,
      });
      // 30 hours ago is outside the last 24 hours, inside the last 7 days.
      const total = (b: { created: number }[]) => b.reduce((n, x) => n + x.created, 0);
      expect(total(buckets)).toBe(6);
      expect(total(await insights.activity(admin, 168))).toBe(7);
    });

    it.skipIf(!available)('counts only what the caller may view', async () => {
      const mine = await insights.activity(acmeViewer, 24);
      expect(mine[23]).toEqual({ start: THIS_HOUR, created: 4, succeeded: 2, failed: 1 });
      expect((await insights.activity(acmeViewer, 24, 'other'))[23]?.created).toBe(0);
      expect((await insights.activity(admin, 24, 'other'))[23]?.created).toBe(1);
      expect((await insights.activity(nobody, 24)).every((b) => b.created === 0)).toBe(true);
    });

    it.skipIf(!available)('refuses unbounded ranges with BAD_USER_INPUT', async () => {
      await expect(insights.activity(admin, 169)).rejects.toThrow('hours must be from 1 to 168');
      await expect(insights.activity(admin, 0)).rejects.toThrow('hours must be from 1 to 168');
      await expect(insights.slowestJobs(admin, 'acme/repo/ci', 101)).rejects.toThrow(
        'lastRuns must be from 1 to 100',
      );
    });

    it.skipIf(!available)(
      "ranks a workflow's jobs by median duration over its last runs",
      async () => {
        // The last 3 finished runs: the failed one and this hour's two succeeded ones.
        expect(await insights.slowestJobs(admin, 'acme/repo/ci', 3)).toEqual([
          { path: 's.a.build', runs: 3, medianMs: 6000, maxMs: 9000 },
          { path: 's.a.test', runs: 2, medianMs: 500, maxMs: 1000 },
        ]);
        // All of them: the 100 s build 30 hours ago counts too; limit 1 keeps the slowest.
        expect(await insights.slowestJobs(admin, 'acme/repo/ci', 100, 1)).toEqual([
          { path: 's.a.build', runs: 4, medianMs: 6000, maxMs: 100_000 },
        ]);
        expect(await insights.slowestJobs(nobody, 'acme/repo/ci')).toEqual([]);
      },
    );
  });
}
