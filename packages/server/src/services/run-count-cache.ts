/**
 * The `totalCount` of a runs query, remembered until the `runs` table changes. Counting is most
 * of a page's cost (it walks every matching index entry: ~0.34 ms of ~0.55 ms for 5,000 matches
 * among 100,000 runs), while a dashboard pages and polls the same filter between changes.
 *
 * Correct only when this process is the only writer of the table, i.e. on SQLite; with
 * PostgreSQL or MySQL another replica may write, so callers pass no cache there.
 */
const MAX_ENTRIES = 256;

export class RunCountCache {
  private readonly counts = new Map<string, number>();
  private generation: number;

  /** `generation()`: a number that changes whenever the `runs` table was written. */
  constructor(private readonly currentGeneration: () => number) {
    this.generation = currentGeneration();
  }

  /** The cached count for `key`, else `count()`'s (then cached). */
  async get(key: string, count: () => Promise<number>): Promise<number> {
    const generation = this.currentGeneration();
    if (generation !== this.generation) {
      this.counts.clear();
      this.generation = generation;
    }
    const cached = this.counts.get(key);
    if (cached !== undefined) return cached;
    const value = await count();
    // A write that landed while counting makes the value possibly stale: do not keep it.
    if (this.currentGeneration() === generation) {
      if (this.counts.size >= MAX_ENTRIES) this.counts.clear();
      this.counts.set(key, value);
    }
    return value;
  }
}
