/**
 * The durable `once` claims on every supported database (the migration made the table): ten
 * replicas claiming one cron tick at once yield exactly one claim; a claim survives reopening
 * the database (a restart); a released claim can be made again; claims are per plugin and
 * workflow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/test-databases.js';
import {
  STATE_TEST_DIALECTS,
  dialectAvailable,
  openTestDatabase,
} from '../testing/test-databases.js';
import { TriggerClaims } from './trigger-claims.js';

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`TriggerClaims on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;

    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
    }, 60_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)('ten concurrent claims of one key: exactly one wins', async () => {
      const replicas = Array.from({ length: 10 }, () => new TriggerClaims(test.db));
      const results = await Promise.all(
        replicas.map((claims) =>
          claims.claim('cron', 'acme/app/nightly', 'tick:2026-01-01T00:00:00.000Z'),
        ),
      );
      const winners = results.filter((r) => r.claimed);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!;
      if (winner.claimed) await replicas[0]!.started(winner.key, 'run-1');
      expect(
        await replicas[3]!.claim('cron', 'acme/app/nightly', 'tick:2026-01-01T00:00:00.000Z'),
      ).toEqual({
        claimed: false,
        runId: 'run-1',
      });
    });

    it.skipIf(!available)(
      'claims are per plugin and workflow; a released one can be made again',
      async () => {
        const claims = new TriggerClaims(test.db);
        expect((await claims.claim('github', 'acme/app/ci', 'delivery:d-1')).claimed).toBe(true);
        expect((await claims.claim('github', 'acme/app/other', 'delivery:d-1')).claimed).toBe(true);
        expect((await claims.claim('gitlab', 'acme/app/ci', 'delivery:d-1')).claimed).toBe(true);
        const second = await claims.claim('github', 'acme/app/ci', 'delivery:d-2');
        expect(second.claimed).toBe(true);
        if (second.claimed) await claims.release(second.key);
        expect((await claims.claim('github', 'acme/app/ci', 'delivery:d-2')).claimed).toBe(true);
        expect(await claims.claim('github', 'acme/app/ci', 'delivery:d-1')).toEqual({
          claimed: false,
        });
      },
    );

    it.skipIf(!available)('claims older than the retention are pruned', async () => {
      const claims = new TriggerClaims(test.db, 1_000);
      const old = Date.now() - 10_000;
      expect((await claims.claim('cron', 'acme/app/old', 'tick:old', old)).claimed).toBe(true);
      // A later claim (more than an hour after the last prune) deletes what is past retention.
      const later = new TriggerClaims(test.db, 1_000);
      await later.claim('cron', 'acme/app/old', 'tick:new');
      expect((await later.claim('cron', 'acme/app/old', 'tick:old', old)).claimed).toBe(true);
    });
  });
}
