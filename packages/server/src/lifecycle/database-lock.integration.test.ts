/**
 * The database's server lock on the machine's PostgreSQL, MariaDB and TiDB: a second holder is
 * refused with SERVER_ALREADY_RUNNING naming the holder, and the lock is free once the first
 * releases it. TiDB's IS_USED_LOCK answers 1 instead of the holder's connection id (measured on
 * v8.5.6), so there the message says the holder is unknown.
 * (That a killed process loses it is e2e/tests/server-single-instance.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { silentServerLogger } from '../logger.js';
import { dialectAvailable, MYSQL_URL, PG_URL, TIDB_URL } from '../testing/test-databases.js';
import { lockDatabase } from './database-lock.js';
import { SERVER_ALREADY_RUNNING } from './server-lock.js';

const dialects = [
  { type: 'postgres' as const, url: PG_URL, holder: /containerops server pid \d+/ },
  { type: 'mysql' as const, url: MYSQL_URL, holder: /connection \d+ from / },
  { type: 'mysql' as const, url: TIDB_URL, holder: /holder unknown/, dialect: 'tidb' as const },
];

for (const { type, url, holder, dialect = type } of dialects) {
  const available = await dialectAvailable(dialect);
  describe.skipIf(!available)(`lockDatabase on ${dialect}`, () => {
    it('refuses a second holder naming it, and is free again after release', async () => {
      const first = await lockDatabase({ type, url }, silentServerLogger);
      const refused = (await lockDatabase({ type, url }, silentServerLogger).then(
        (lock) => lock,
        (error: unknown) => error,
      )) as { code?: string; message?: string; release?: () => Promise<void> };
      if (typeof refused.release === 'function') await refused.release();
      expect(refused.code).toBe(SERVER_ALREADY_RUNNING);
      expect(refused.message).toMatch(holder);
      expect(refused.message).toContain('replicas: many');
      await first.release();
      const again = await lockDatabase({ type, url }, silentServerLogger);
      await again.release();
    });
  });
}
