/**
 * The delivery log on every database the server's state is tested on (the migration added its
 * columns): a recorded request is stored sealed (the raw row holds neither the body nor a
 * credential header) and opens again; pages go newest first through a cursor, filtered by plugin,
 * workflow and the caller's organisations (a prefix compare: `_` in a name is no wildcard).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { TriggerDeliveryEntity } from '../db/entities.js';
import { SecretCipher } from '../secrets/secret-cipher.js';
import type { TestDatabase } from '../testing/test-databases.js';
import {
  STATE_TEST_DIALECTS,
  dialectAvailable,
  openTestDatabase,
} from '../testing/test-databases.js';
import { DeliveryLog } from './delivery-log.js';

const BODY = '{"secret_looking":"plain-body-text"}';

for (const dialect of STATE_TEST_DIALECTS) {
  describe(`DeliveryLog on ${dialect}`, async () => {
    const available = await dialectAvailable(dialect);
    let test: TestDatabase;
    let log: DeliveryLog;

    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      log = new DeliveryLog(test.db, new SecretCipher(randomBytes(32)));
    }, 120_000);
    afterAll(async () => {
      await test?.cleanup();
    });

    const record = (at: number, workflow: string | undefined, plugin = 'generic') =>
      log.record({
        plugin,
        receivedAt: at,
        payloadSha256: '0'.repeat(64),
        payloadSize: BODY.length,
        status: 'accepted',
        ...(workflow === undefined ? {} : { workflow }),
        request: {
          method: 'POST',
          path: '/x',
          query: { a: '1' },
          headers: {
            'content-type': 'application/json',
            Authorization: 'Bearer never-stored',
            'x-gitlab-token': 'never-stored-either',
            'x-hub-signature-256': 'sha256=abc',
          },
          body: new TextEncoder().encode(BODY),
        },
      });

    it.skipIf(!available)('stores the request sealed, and opens it again', async () => {
      const id = await record(1000, 'org1/a/b');
      // Every column of every row, as the database holds them (the schema-qualified table).
      const rows = await test.db.manager
        .createQueryBuilder()
        .select('*')
        .from(TriggerDeliveryEntity, 'd')
        .getRawMany<Record<string, unknown>>();
      expect(rows).toHaveLength(1);
      const raw = JSON.stringify(rows);
      expect(raw).toContain('org1/a/b');
      expect(raw).not.toContain('plain-body-text');
      expect(raw).not.toContain('never-stored');
      const request = await log.request(id);
      expect(Buffer.from(request?.body ?? []).toString('utf8')).toBe(BODY);
      expect(request?.headers).toEqual({
        'content-type': 'application/json',
        'x-hub-signature-256': 'sha256=abc',
      });
      expect(request?.query).toEqual({ a: '1' });
      // The list does not read the sealed columns.
      const [listed] = await log.recent(1);
      expect(listed?.requestCiphertext).toBeUndefined();
    });

    it.skipIf(!available)(
      'pages newest first, filtered by plugin, workflow and organisation',
      async () => {
        await record(2000, 'org_2/a/b');
        await record(3000, 'orgx2/a/b'); // `_` must not match `x`
        await record(4000, undefined, 'github');
        await record(4000, 'org1/a/c', 'github');
        const all = await log.page({ first: 2 });
        expect(all.rows.map((r) => r.receivedAt)).toEqual([4000, 4000]);
        expect(all.hasNextPage).toBe(true);
        const next = await log.page({
          first: 10,
          after: { receivedAt: all.rows[1]?.receivedAt ?? 0, id: all.rows[1]?.id ?? '' },
        });
        expect(next.rows.map((r) => r.receivedAt)).toEqual([3000, 2000, 1000]);
        expect(next.hasNextPage).toBe(false);
        const orgs = await log.page({ first: 10, organizations: ['org_2', 'org1'] });
        expect(orgs.rows.map((r) => r.workflow)).toEqual(['org1/a/c', 'org_2/a/b', 'org1/a/b']);
        expect((await log.page({ first: 10, organizations: [] })).rows).toEqual([]);
        const github = await log.page({ first: 10, trigger: 'github' });
        expect(github.rows).toHaveLength(2);
        const one = await log.page({ first: 10, workflow: 'org1/a/b' });
        expect(one.rows.map((r) => r.receivedAt)).toEqual([1000]);
      },
    );
  });
}
