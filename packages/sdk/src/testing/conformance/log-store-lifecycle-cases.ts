/** Conformance cases for retention (`prune`, `deleteRun`), `close()` and durability across reopen. */
import { expect, it } from 'vitest';
import type { LogStoreHarness } from './log-store-harness.js';
import { logLine, logLines, positions, range } from './log-store-harness.js';

export function registerLifecycleCases(h: LogStoreHarness): void {
  it('prune(olderThan) deletes lines with time < olderThan and says how many', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const old = runId();
      // Lines 1..10 of each job at times 1000..1009; prune below 1004 deletes 4 per job.
      const stamped = (id: string, job: string) =>
        logLines(id, job, 1, 1, 10).map((line) => ({ ...line, time: 1000 + line.seq - 1 }));
      await store.append([...stamped(run, 'p.r.une'), ...stamped(run, 'p.r.two')]);
      await store.append(stamped(old, 'p.r.une'));
      expect(await store.prune(1004)).toBe(12);
      expect(positions(await store.read({ runId: run, jobPath: 'p.r.une' }))).toEqual(
        range(1, 5, 10),
      );
      expect(positions(await store.read({ runId: old, jobPath: 'p.r.une' }))).toEqual(
        range(1, 5, 10),
      );
      expect(await store.prune(1004)).toBe(0);
      expect(await store.prune(2000)).toBe(18);
      expect(await store.read({ runId: run, jobPath: 'p.r.two' })).toEqual([]);
      // A pruned job takes new lines again (e.g. a re-run reusing its key).
      await store.append([logLine(run, 'p.r.une', 2, 1)]);
      expect(positions(await store.read({ runId: run, jobPath: 'p.r.une' }))).toEqual(['2:1']);
    });
  });

  it('deleteRun(runId) deletes every line of one run, if the store offers it', async (test) => {
    await h.with(async ({ store, runId }) => {
      if (store.deleteRun === undefined) {
        test.skip('this store has no deleteRun (optional in the LogStore contract)');
        return;
      }
      const gone = runId();
      const kept = runId();
      await store.append([
        ...logLines(gone, 'd.e.one', 1, 1, 4),
        ...logLines(gone, 'd.e.one', 2, 1, 2),
        ...logLines(gone, 'd.e.two', 1, 1, 3),
        ...logLines(kept, 'd.e.one', 1, 1, 5),
      ]);
      expect(await store.deleteRun(gone)).toBe(9);
      expect(await store.read({ runId: gone, jobPath: 'd.e.one' })).toEqual([]);
      expect(await store.read({ runId: gone, jobPath: 'd.e.two' })).toEqual([]);
      expect(positions(await store.read({ runId: kept, jobPath: 'd.e.one' }))).toEqual(
        range(1, 1, 5),
      );
      expect(await store.deleteRun(gone)).toBe(0);
      expect(await store.deleteRun(runId())).toBe(0);
    });
  });

  it('close() is idempotent, also when called concurrently; later calls reject', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      await store.append(logLines(run, 'c.l.ose', 1, 1, 1));
      await Promise.all([store.close(), store.close()]);
      await store.close();
      await expect(store.append(logLines(run, 'c.l.ose', 1, 2, 2))).rejects.toThrow();
      await expect(store.read({ runId: run, jobPath: 'c.l.ose' })).rejects.toThrow();
      await expect(store.prune(Date.now())).rejects.toThrow();
    });
  });

  it('lines survive closing and reopening the storage', async () => {
    await h.with(async ({ store, reopen, runId }) => {
      const run = runId();
      const lines = [
        ...logLines(run, 'd.u.rable', 1, 1, 50),
        ...logLines(run, 'd.u.rable', 2, 1, 5, { stream: 'stderr', text: 'ünïcödé ✓' }),
      ];
      await store.append(lines);
      await store.close();
      const reopened = await reopen();
      expect(await reopened.read({ runId: run, jobPath: 'd.u.rable' })).toEqual(lines);
      // Idempotency holds across the reopen: the engine retries batches after a restart.
      await reopened.append(logLines(run, 'd.u.rable', 2, 4, 7));
      expect(
        positions(await reopened.read({ runId: run, jobPath: 'd.u.rable', attempt: 2 })),
      ).toEqual(range(2, 1, 7));
      const follower = h.follow(reopened, { runId: run, jobPath: 'd.u.rable', attempt: 2 });
      expect(positions(await follower.take(7))).toEqual(range(2, 1, 7));
      follower.abort();
      await follower.ended('after abort');
    });
  });
}
