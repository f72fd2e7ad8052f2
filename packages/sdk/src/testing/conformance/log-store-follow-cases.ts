/** Conformance cases for `follow`: stored then live lines, races with appends, how it ends. */
import { expect, it } from 'vitest';
import type { LogStoreHarness } from './log-store-harness.js';
import { logLine, logLines, positions, range, within } from './log-store-harness.js';

/** Lets other tasks (and timers) run between appends, so a follow can start in between. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function registerFollowCases(h: LogStoreHarness): void {
  it('follow yields the stored lines, then live ones, then ends on abort', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 'f.o.llow';
      await store.append(logLines(run, job, 1, 1, 5));
      const follower = h.follow(store, { runId: run, jobPath: job, attempt: 1 });
      expect(positions(await follower.take(5))).toEqual(range(1, 1, 5));
      await store.append(logLines(run, job, 1, 6, 8));
      // Lines of other jobs and attempts must not reach this follow.
      await store.append([logLine(run, 'f.o.other', 1, 1), logLine(run, job, 2, 1)]);
      await store.append(logLines(run, job, 1, 9, 10));
      const live = await follower.take(5);
      expect(positions(live)).toEqual(range(1, 6, 10));
      expect(live[0]).toEqual(logLine(run, job, 1, 6));
      follower.abort();
      await follower.ended('after abort');
    });
  });

  it('follow misses and repeats nothing when appends race with its start', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 'r.a.ce';
      const batches = 200;
      const size = 5;
      const total = batches * size;
      const followers: ReturnType<LogStoreHarness['follow']>[] = [];
      const taken: Promise<string[]>[] = [];
      for (let b = 0; b < batches; b++) {
        // Followers start (and read) at several points of the stream, while appends go on.
        if (b % 40 === 0 || b === 1) {
          const follower = h.follow(store, { runId: run, jobPath: job });
          followers.push(follower);
          taken.push(follower.take(total).then(positions));
        }
        await store.append(logLines(run, job, 1, b * size + 1, (b + 1) * size));
        if (b % 3 === 0) await tick();
      }
      const withAfterSeq = h.follow(store, { runId: run, jobPath: job, afterSeq: total - 7 });
      for (const positionsSeen of await Promise.all(taken))
        expect(positionsSeen).toEqual(range(1, 1, total));
      for (const follower of followers) {
        follower.abort();
        await follower.ended('after abort');
      }
      expect(positions(await withAfterSeq.take(7))).toEqual(range(1, total - 6, total));
      await store.append(logLines(run, job, 1, total + 1, total + 1));
      expect(positions(await withAfterSeq.take(1))).toEqual([`1:${total + 1}`]);
      withAfterSeq.abort();
      await withAfterSeq.ended('after abort');
    });
  });

  it('follow without attempt goes through every attempt, in order', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 'a.t.tempts';
      await store.append(logLines(run, job, 1, 1, 3));
      const follower = h.follow(store, { runId: run, jobPath: job });
      expect(positions(await follower.take(3))).toEqual(range(1, 1, 3));
      await store.append(logLines(run, job, 2, 1, 2));
      await store.append(logLines(run, job, 3, 1, 1));
      expect(positions(await follower.take(3))).toEqual(['2:1', '2:2', '3:1']);
      follower.abort();
      await follower.ended('after abort');
    });
  });

  it('follow ends by itself after limit lines', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      const job = 'l.i.mit';
      await store.append(logLines(run, job, 1, 1, 3));
      const follower = h.follow(store, { runId: run, jobPath: job, afterSeq: 1, limit: 4 });
      expect(positions(await follower.take(2))).toEqual(range(1, 2, 3));
      await store.append(logLines(run, job, 1, 4, 9));
      expect(positions(await follower.take(2))).toEqual(range(1, 4, 5));
      await follower.ended('after its limit');
    });
  });

  it('follow ends when aborted while waiting, and at once when already aborted', async () => {
    await h.with(async ({ store, runId }) => {
      const query = { runId: runId(), jobPath: 'w.a.it' };
      const waiting = h.follow(store, query);
      const next = waiting.ended('after abort while waiting');
      await tick();
      waiting.abort();
      await next;
      const controller = new AbortController();
      controller.abort();
      await store.append(logLines(query.runId, query.jobPath, 1, 1, 2));
      const yielded: number[] = [];
      await within(
        (async () => {
          for await (const line of store.follow(query, controller.signal)) yielded.push(line.seq);
        })(),
        h.ms(20_000),
        'follow on an aborted signal did not return',
      );
      expect(yielded).toEqual([]);
    });
  });

  it('close() ends every follow, and follow on a closed store returns at once', async () => {
    await h.with(async ({ store, runId }) => {
      const run = runId();
      await store.append(logLines(run, 'c.l.ose', 1, 1, 2));
      const first = h.follow(store, { runId: run, jobPath: 'c.l.ose' });
      const second = h.follow(store, { runId: run, jobPath: 'c.l.nothing' });
      expect(positions(await first.take(2))).toEqual(range(1, 1, 2));
      const secondEnded = second.ended('after close()');
      await tick();
      await store.close();
      await first.ended('after close()');
      await secondEnded;
      const after = h.follow(store, { runId: run, jobPath: 'c.l.ose' });
      await after.ended('on a closed store');
    });
  });
}
