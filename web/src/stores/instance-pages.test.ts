import { describe, expect, it } from 'vitest';
import type { FanOutInstance, FanOutInstancePage, NodeStatus } from '../api/types.js';
import { InstancePages, MAX_REFRESH_PAGES } from './instance-pages.js';

/**
 * A fan-out as the API pages it: ended instances in the order they ended, then running ones;
 * `i:N` cursors index that list (the server's rule, packages/core fan-out-page.ts).
 */
class FanOutList {
  ended: FanOutInstance[] = [];
  running: FanOutInstance[] = [];
  readonly reads: (string | null)[] = [];

  constructor(readonly pageSize: number) {}

  start(n: number): void {
    for (let i = 0; i < n; i++) {
      const index = this.ended.length + this.running.length;
      this.running.push(row(`t[${index}]`, 'RUNNING'));
    }
  }

  end(count: number, status: NodeStatus = 'SUCCEEDED'): void {
    for (const r of this.running.splice(0, count)) this.ended.push({ ...r, status });
  }

  page = async (after: string | null): Promise<FanOutInstancePage> => {
    this.reads.push(after);
    const all = [...this.ended, ...this.running];
    const start = after === null ? 0 : Number(after.slice(2));
    const nodes = all.slice(start, start + this.pageSize);
    const end = start + nodes.length;
    return {
      nodes,
      pageInfo: { endCursor: nodes.length ? `i:${end}` : null, hasNextPage: end < all.length },
      totalCount: all.length,
    };
  };
}

function row(name: string, status: NodeStatus): FanOutInstance {
  return {
    name,
    path: `s.a.${name}`,
    status,
    attempt: 1,
    exitCode: null,
    reason: null,
    durationMs: null,
  };
}

describe('InstancePages', () => {
  it('reads pages only as far as asked, one at a time', async () => {
    const api = new FanOutList(10);
    api.start(35);
    const pages = new InstancePages(api.page, 10);
    expect(pages.rows).toHaveLength(0);
    await pages.ensure(0);
    expect(pages.rows).toHaveLength(10);
    expect(pages.totalCount).toBe(35);
    // Two overlapping asks read each page once.
    await Promise.all([pages.ensure(15), pages.ensure(19)]);
    expect(pages.rows).toHaveLength(20);
    expect(api.reads).toEqual([null, 'i:10']);
    await pages.ensure(1_000);
    expect(pages.rows).toHaveLength(35);
    expect(pages.hasMore).toBe(false);
    expect(api.reads).toEqual([null, 'i:10', 'i:20', 'i:30']);
  });

  it('on refresh reads again from the first page that can change, not the stable ones', async () => {
    const api = new FanOutList(10);
    api.start(25);
    api.end(20);
    const pages = new InstancePages(api.page, 10);
    await pages.ensure(24);
    expect(pages.rows.map((r) => r.status).filter((s) => s === 'RUNNING')).toHaveLength(5);
    api.reads.length = 0;
    api.end(5, 'FAILED');
    api.start(3);
    await pages.refresh();
    // Pages 1 and 2 (20 ended instances) are stable; only the tail is read again.
    expect(api.reads).toEqual(['i:20']);
    expect(pages.rows).toHaveLength(28);
    expect(pages.rows.slice(20, 25).every((r) => r.status === 'FAILED')).toBe(true);
    expect(pages.rows.slice(25).every((r) => r.status === 'RUNNING')).toBe(true);
    expect(pages.totalCount).toBe(28);
    const before = pages.version;
    await pages.refresh();
    expect(pages.version).toBe(before + 1);
  });

  it('bounds what one refresh reads and drops the rest for a later scroll', async () => {
    const api = new FanOutList(2);
    api.start(2 * (MAX_REFRESH_PAGES + 5));
    const pages = new InstancePages(api.page, 2);
    await pages.ensure(1_000);
    expect(pages.rows).toHaveLength(2 * (MAX_REFRESH_PAGES + 5));
    api.reads.length = 0;
    await pages.refresh(); // everything runs: every page may change
    expect(api.reads).toHaveLength(MAX_REFRESH_PAGES);
    expect(pages.rows).toHaveLength(2 * MAX_REFRESH_PAGES);
    expect(pages.hasMore).toBe(true);
    await pages.ensure(1_000);
    expect(pages.rows).toHaveLength(2 * (MAX_REFRESH_PAGES + 5));
  });

  it('an empty list is read once and has no more', async () => {
    const api = new FanOutList(10);
    const pages = new InstancePages(api.page, 10);
    expect(pages.hasMore).toBe(true);
    await pages.ensure(0);
    expect(pages.loaded).toBe(true);
    expect(pages.hasMore).toBe(false);
    expect(pages.rows).toEqual([]);
    expect(api.reads).toEqual([null]);
  });
});
