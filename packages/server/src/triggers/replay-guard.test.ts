/**
 * The replay guard on every supported database (the migration made its table): copies of one
 * delivery claimed at the same time yield exactly one claim; a released claim can be made again;
 * keys older than the window are forgotten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../testing/test-databases.js';
import {
  STATE_TEST_DIALECTS,
  dialectAvailable,
  openTestDatabase,
} from '../testing/test-databases.js';
import { ReplayGuard, replayKeysOf } from './replay-guard.js';

const WINDOW = 60_000;

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`ReplayGuard on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let guard: ReplayGuard;

    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      guard = new ReplayGuard(test.db, WINDOW);
    }, 60_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    it.skipIf(!available)('ten copies claimed at once: exactly one claim', async () => {
      const keys = replayKeysOf('generic/a/b/c', { signature: 'sha256=abc', deliveryId: 'd-1' });
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 10 }, () => guard.claim(keys, now)));
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      await guard.started(keys, 'run-1');
      expect(await guard.claim(keys, now + 1)).toEqual({ claimed: false, runId: 'run-1' });
      // One shared key is enough to be a copy: the same id signed anew.
      const resent = replayKeysOf('generic/a/b/c', { signature: 'sha256=def', deliveryId: 'd-1' });
      expect(await guard.claim(resent, now + 2)).toEqual({ claimed: false, runId: 'run-1' });
      // The same id at another endpoint is another delivery.
      const elsewhere = replayKeysOf('generic/a/b/other', { deliveryId: 'd-1' });
      expect(await guard.claim(elsewhere, now)).toEqual({ claimed: true });
    });

    it.skipIf(!available)(
      'a released claim can be made again; old keys are forgotten',
      async () => {
        const keys = replayKeysOf('generic/a/b/c', { signature: 'sha256=released' });
        const now = Date.now();
        expect(await guard.claim(keys, now)).toEqual({ claimed: true });
        await guard.release(keys);
        expect(await guard.claim(keys, now)).toEqual({ claimed: true });
        expect((await guard.claim(keys, now + 1)).claimed).toBe(false);
        expect(await guard.claim(keys, now + WINDOW + 1)).toEqual({ claimed: true });
      },
    );
  });
}
