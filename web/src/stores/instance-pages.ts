/**
 * The instances of one fan-out job, read from the API a page at a time as the list scrolls
 * (issue 16: a fan-out may have 100,000 instances; the dashboard never reads them all).
 *
 * The API lists ended instances in the order they ended (that part never changes, so its pages
 * and cursors stay valid), then the running ones. So a page that is full and holds only ended
 * instances is *stable*: kept as it is for the life of the list. When the run moves on,
 * {@link InstancePages.refresh} reads again only from the first page that is not stable (the
 * running tail, at most `max-parallel` instances), never the whole list.
 *
 * Pure TypeScript (no Vue): the component owns reactivity and calls `version` to redraw.
 */
import type { FanOutInstance, FanOutInstancePage, NodeStatus } from '../api/types.js';

/** Reads the page after `after` (`null`: the first page). */
export type FetchInstancePage = (after: string | null) => Promise<FanOutInstancePage>;

const ENDED: ReadonlySet<NodeStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'CANCELLED',
  'SKIPPED',
]);

/** Pages read again at most by one {@link InstancePages.refresh} (a bound on one live update). */
export const MAX_REFRESH_PAGES = 10;

interface LoadedPage {
  /** The cursor this page was read after (`null`: the first page). */
  readonly after: string | null;
  readonly data: FanOutInstancePage;
}

export class InstancePages {
  private pages: LoadedPage[] = [];
  private flat: FanOutInstance[] = [];
  private busy: Promise<void> | undefined;
  private loadedOnce = false;
  private changes = 0;

  constructor(
    private readonly fetchPage: FetchInstancePage,
    /** The page size the fetcher asks for (a shorter page is the end of the list, for now). */
    private readonly pageSize: number,
  ) {}

  /** The instances read so far, in the API's order. */
  get rows(): readonly FanOutInstance[] {
    return this.flat;
  }

  /** Instances matching the filter, as the last page read said (rows may be fewer). */
  get totalCount(): number {
    const last = this.pages[this.pages.length - 1];
    return Math.max(last?.data.totalCount ?? 0, this.flat.length);
  }

  /** More can be read after the last row (a scroll to the end asks for them). */
  get hasMore(): boolean {
    if (!this.loadedOnce) return true;
    return this.pages[this.pages.length - 1]?.data.pageInfo.hasNextPage ?? false;
  }

  /** Whether the first page was read. */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Grows by one on every change of `rows` (a cheap signal for the view to redraw). */
  get version(): number {
    return this.changes;
  }

  /**
   * Reads pages until row `index` is read or the list ends. One read at a time: a call while a
   * read runs waits for it, then goes on if still needed.
   */
  async ensure(index: number): Promise<void> {
    while (this.flat.length <= index && this.hasMore) {
      if (this.busy !== undefined) {
        await this.busy;
        continue;
      }
      const after = this.pages[this.pages.length - 1]?.data.pageInfo.endCursor ?? null;
      await this.exclusive(async () => {
        const data = await this.fetchPage(after);
        this.pages.push({ after, data });
        this.loadedOnce = true;
        this.rebuild();
      });
    }
  }

  /**
   * Reads again from the first page that may have changed (see the file's comment), as many
   * pages as were read from there (at most {@link MAX_REFRESH_PAGES}; any beyond are dropped and
   * read again on scroll). Stable pages are not read.
   */
  async refresh(): Promise<void> {
    if (!this.loadedOnce) return this.ensure(0);
    if (this.busy !== undefined) await this.busy;
    const from = this.firstUnstable();
    const count = Math.min(MAX_REFRESH_PAGES, this.pages.length - from);
    await this.exclusive(async () => {
      const fresh: LoadedPage[] = [];
      let after = this.pages[from]?.after ?? null;
      for (let i = 0; i < count; i++) {
        const data = await this.fetchPage(after);
        fresh.push({ after, data });
        if (!data.pageInfo.hasNextPage || data.pageInfo.endCursor === null) break;
        after = data.pageInfo.endCursor;
      }
      this.pages = [...this.pages.slice(0, from), ...fresh];
      this.rebuild();
    });
  }

  /** Index of the first page that is not full of ended instances, or the last page. */
  private firstUnstable(): number {
    const last = this.pages.length - 1;
    for (let i = 0; i < last; i++) {
      const nodes = (this.pages[i] as LoadedPage).data.nodes;
      if (nodes.length < this.pageSize || nodes.some((n) => !ENDED.has(n.status))) return i;
    }
    return Math.max(0, last);
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    const run = work();
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      await run;
    } finally {
      this.busy = undefined;
    }
  }

  private rebuild(): void {
    this.flat = this.pages.flatMap((p) => p.data.nodes);
    this.changes += 1;
  }
}
