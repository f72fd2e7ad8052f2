import { describe, expect, it } from 'vitest';
import { InvalidInstanceCursor, pageInstances } from './fan-out-page.js';
import type { JobRunSnapshot } from './snapshot.js';

function fanOutJob(ended: number, running: number): JobRunSnapshot {
  const instances = Array.from({ length: ended }, (_, i) => ({
    name: `t[${i}]`,
    status: i % 3 === 0 ? ('failed' as const) : ('succeeded' as const),
    attempt: 1,
    exitCode: i % 3 === 0 ? 1 : 0,
    durationMs: 5,
  }));
  const active: Record<string, JobRunSnapshot> = {};
  for (let i = ended; i < ended + running; i++)
    active[`t[${i}]`] = {
      name: `t[${i}]`,
      path: `s.a.t[${i}]`,
      status: 'running',
      attempt: 1,
      outputs: {},
    };
  return {
    name: 't',
    path: 's.a.t',
    status: 'running',
    attempt: 1,
    outputs: {},
    fanOut: {
      total: 100,
      started: ended + running,
      passed: 0,
      failed: 0,
      skipped: 0,
      instances,
      active,
    },
  };
}

describe('pageInstances', () => {
  it('pages ended instances in end order, then running ones, with stable cursors', () => {
    const job = fanOutJob(10, 2);
    const first = pageInstances(job, { first: 5 });
    expect(first.nodes.map((n) => n.name)).toEqual(['t[0]', 't[1]', 't[2]', 't[3]', 't[4]']);
    expect(first.nodes[0]).toEqual({
      name: 't[0]',
      path: 's.a.t[0]',
      status: 'failed',
      attempt: 1,
      exitCode: 1,
      durationMs: 5,
    });
    expect(first).toMatchObject({ hasNextPage: true, totalCount: 12, endCursor: 'i:5' });
    const second = pageInstances(job, { first: 5, after: first.endCursor });
    expect(second.nodes.map((n) => n.name)).toEqual(['t[5]', 't[6]', 't[7]', 't[8]', 't[9]']);
    const last = pageInstances(job, { first: 5, after: second.endCursor });
    expect(last.nodes.map((n) => `${n.name}:${n.status}`)).toEqual([
      't[10]:running',
      't[11]:running',
    ]);
    expect(last.hasNextPage).toBe(false);
  });

  it('filters by status, counting only the matches', () => {
    const job = fanOutJob(10, 2);
    const failed = pageInstances(job, { status: 'failed', first: 2 });
    expect(failed.nodes.map((n) => n.name)).toEqual(['t[0]', 't[3]']);
    expect(failed).toMatchObject({ totalCount: 4, hasNextPage: true });
    const rest = pageInstances(job, { status: 'failed', first: 2, after: failed.endCursor });
    expect(rest.nodes.map((n) => n.name)).toEqual(['t[6]', 't[9]']);
    expect(rest.hasNextPage).toBe(false);
    expect(pageInstances(job, { status: 'running', first: 10 }).totalCount).toBe(2);
  });

  it('a job without fan-out has no instances; a foreign cursor is refused', () => {
    const plain: JobRunSnapshot = {
      name: 'j',
      path: 's.a.j',
      status: 'succeeded',
      attempt: 1,
      outputs: {},
    };
    expect(pageInstances(plain, { first: 10 })).toEqual({
      nodes: [],
      hasNextPage: false,
      totalCount: 0,
    });
    expect(() => pageInstances(fanOutJob(1, 0), { first: 1, after: 'x' })).toThrow(
      InvalidInstanceCursor,
    );
  });
});

describe('pageInstances with a status filter, as the fan-out grows', () => {
  /** Every page of `status`, walked with the cursors, and the naive filter of the whole list. */
  function walk(job: JobRunSnapshot, status: 'failed' | 'succeeded' | 'running') {
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = pageInstances(job, { first: 7, status, ...(after ? { after } : {}) });
      names.push(...page.nodes.map((n) => n.name));
      if (!page.hasNextPage) return { names, total: page.totalCount };
      after = page.endCursor;
    }
  }
  const naive = (job: JobRunSnapshot, status: string): string[] =>
    [...(job.fanOut?.instances ?? []), ...Object.values(job.fanOut?.active ?? {})]
      .filter((i) => i.status === status)
      .map((i) => i.name);

  it('pages exactly the matching instances, and again after more ended (a longer list)', () => {
    const job = fanOutJob(50, 4);
    for (const status of ['failed', 'succeeded', 'running'] as const)
      expect(walk(job, status)).toEqual({
        names: naive(job, status),
        total: naive(job, status).length,
      });
    // The same summaries (shared, as copies of the snapshot share them), and 20 more ended.
    const grown = fanOutJob(70, 2);
    const fan = grown.fanOut!;
    fan.instances.splice(0, 50, ...job.fanOut!.instances);
    for (const status of ['failed', 'succeeded', 'running'] as const)
      expect(walk(grown, status)).toEqual({
        names: naive(grown, status),
        total: naive(grown, status).length,
      });
  });
});
