/**
 * The SDK's log store conformance suite against every server of the matrix (TiDB, MariaDB): the
 * same plugin, its dialect detected from `SELECT VERSION()`. Each server gets a fresh database for
 * this file, and each case a fresh table in it (the prune counts are exact).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { describeLogStoreConformance } from '@containerops/sdk/testing';
import { createTestDatabase, requireServer, testServers } from './testing/test-servers.js';
import type { TestDatabase } from './testing/test-servers.js';
import { openTidbLogStore } from './tidb-log-store.js';

for (const server of testServers) {
  const gate = await requireServer(server);
  describe.skipIf(!gate.available)(`on ${server.dialect}`, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await createTestDatabase(server.url);
    });
    afterAll(() => database?.drop());
    let tables = 0;
    describeLogStoreConformance(
      server.dialect,
      async () => {
        if (database === undefined) throw new Error('the test database was not created');
        // A short first poll so that nothing in the suite depends on waiting for the fallback.
        const options = { url: database.url, table: `lines_${++tables}`, pollIntervalMs: 20 };
        return {
          store: await openTidbLogStore(options),
          reopen: () => openTidbLogStore(options),
        };
      },
      { timeoutScale: 2 },
    );
  });
}
